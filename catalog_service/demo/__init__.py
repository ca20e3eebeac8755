"""Demo data: a small contract and four supplier price lists for trying the service out."""
