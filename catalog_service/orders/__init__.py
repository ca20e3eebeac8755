"""Orders: history by customer order number, WebSesam import, purge, reorder, lead times."""
