"""E-shop feeds: the published assortment served cheaply, to each e-shop only its own."""
