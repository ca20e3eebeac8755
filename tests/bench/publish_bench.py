"""Benchmark: publishing a draft of 20,000 allowed items, and the review page of that draft.

Issue 16's goals: publish (all four feed formats rendered) ≤ 2 s; the review page ≤ 300 ms server time.
Builds a contract of 20 Medi models and a price list of 20,000 allowed rows plus 500 not procured,
imports it, then times the review page (in-process requests through the test client: server time,
no network; --repeat times, median and min–max) and the publish. With --against-published the list
is published first and a second one reviewed and published against it (2 % of the articles gone,
2 % new, 5 % with a new list price): the case of a supplier's next price list.

    python tests/bench/publish_bench.py [--items 20000] [--repeat 5] [--database-url URL] [--against-published]

The database URL names an empty database (default: a new SQLite file). On a shared machine run one
benchmark at a time: `flock /tmp/bench.lock python tests/bench/publish_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SUPPLIER = "medi"
PASSWORD = "bench-lösenord-som-är-långt"


def build_files(folder: Path, items: int) -> tuple[Path, Path]:
    from tests.factories import workbooks

    models = [workbooks.ContractModel("Medi", n, f"PUB{n}-AD", price=400 + n) for n in range(1, 21)]
    contract = workbooks.contract(folder, models, [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart")])
    rows = [_row(n, items) for n in range(items + 500)]
    price_list = workbooks.price_list(folder, workbooks.SMALL_LAYOUT, rows, name="publish-prislista.xlsx")
    return contract, price_list


def _row(n: int, items: int, *, price_step: float = 0.0) -> list:
    return [
        f"MD{n:07d}",
        f"40487{n:08d}",
        f"Publiceringsstrumpa {n}",
        f"PUB{n % 20 + 1}-AD" if n < items else "ANNAN-AD",
        2,
        "Knästrumpa",
        ["S", "M", "L", "XL"][n % 4],
        "Normal",
        "Sand" if n % 2 else "Svart",
        450.0 + n % 7 + price_step,
    ]


def next_price_list(folder: Path, items: int) -> Path:
    """The supplier's next list: every 50th article gone, 2 % new ones, every 20th with a new list price."""
    from tests.factories import workbooks

    kept = [_row(n, items, price_step=1.0 if n % 20 == 3 else 0.0) for n in range(items) if n % 50 != 7]
    new = [_row(n, 10 * items) for n in range(items, items + items // 50)]
    return workbooks.price_list(folder, workbooks.SMALL_LAYOUT, kept + new, name="publish-prislista-2.xlsx")


def run(args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CATALOG_DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("CATALOG_DEVELOPMENT", "1")  # local log-in without a second factor, where asked
        from flask_migrate import upgrade

        from catalog_service import create_app
        from catalog_service.assortment.service import publish_assortment
        from catalog_service.auth.service import create_user
        from catalog_service.contracts.service import load_contract
        from catalog_service.extensions import db
        from catalog_service.pricelists.service import import_price_list

        contract, price_list = build_files(Path(folder), args.items)
        app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            load_contract(db.session, contract, actor="bench-upphandlare1")
            result = import_price_list(db.session, price_list, SUPPLIER, actor="bench-upphandlare1")
            create_user(db.session, "bench-upphandlare2", ["upphandlare"], actor="bench", password=PASSWORD)
            db.session.commit()
            if args.against_published:
                publish_assortment(db.session, SUPPLIER, actor="bench-upphandlare2")
                db.session.commit()
                second = next_price_list(Path(folder), args.items)
                result = import_price_list(db.session, second, SUPPLIER, actor="bench-upphandlare1")
                db.session.commit()
        client = app.test_client()
        login = client.post("/login", data={"name": "bench-upphandlare2", "password": PASSWORD})
        if login.status_code != 302:
            sys.exit(f"log-in failed: {login.status_code}")
        review = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            page = client.get(f"/review/{SUPPLIER}")
            review.append(time.perf_counter() - start)
            if page.status_code != 200:
                sys.exit(f"review page: {page.status_code}")
        with app.app_context():
            start = time.perf_counter()
            version = publish_assortment(db.session, SUPPLIER, actor="bench-upphandlare2")
            db.session.commit()
            publish_s = time.perf_counter() - start
            items = version.item_count
            db.session.remove()
            db.engine.dispose()
    return {
        "engine": "postgresql" if args.database_url else "sqlite",
        "against_published": args.against_published,
        "allowed_in_draft": result.allowed,
        "published_items": items,
        "publish_s": round(publish_s, 2),
        "review_page_ms_median": round(1000 * statistics.median(review)),
        "review_page_ms_min_max": [round(1000 * min(review)), round(1000 * max(review))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="an empty database; default: a new SQLite file")
    parser.add_argument("--against-published", action="store_true", help="review and publish a second list")
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
