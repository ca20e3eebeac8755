"""Pages read their query strings with the API's marshmallow query schemas, as forms send them.

A form sends every field, empty ones as ``""``: those are left out, as if not given. A value the schema
refuses is dropped (never echoed), and its field is named so the page can say so in Swedish.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields


def load_query(schema: Schema, args) -> tuple[dict, set[str]]:
    """The query's valid values (by attribute name) and the names (as sent) of the fields that were refused."""
    data = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List):
            values = [value for value in args.getlist(key) if value.strip()]
            if values:
                data[key] = values
        elif args.get(key, "").strip():
            data[key] = args.get(key).strip()
    try:
        return schema.load(data), set()
    except ValidationError as error:
        valid = {name: value for name, value in error.valid_data.items() if name not in error.messages}
        defaults = schema.load({})  # load_default values of the fields that were refused
        return {**defaults, **valid}, set(error.messages)
