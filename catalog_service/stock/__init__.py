"""Stock decisions for HMC: which articles to hold, with figures, pictures and a versioned record."""
