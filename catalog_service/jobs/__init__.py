"""The job queue: everything that runs in the background (upload imports, webhook deliveries, purges).

Huey (queue.py) keeps the queue in a SQLite file in the instance folder by default (embedded: `catalog run`
starts a worker beside the server by itself), or in Redis when CATALOG_QUEUE_URL is redis://… so several
app servers share one queue and `catalog worker` runs on one or more machines.
"""
