from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..cli import actor_option, emit_json, json_option, transactional
from ..extensions import db
from .models import Role
from .service import create_token, create_user, list_tokens, revoke_token, set_active


@click.group("user")
def user():
    """People who use the service."""


@user.command("create")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
@click.option("--supplier", help="For --role leverantor: the one supplier (code) the person acts for.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@actor_option
@with_appcontext
@transactional
def create_user_command(name, roles, supplier, password_stdin, actor):
    """Create a person with one or more roles (password prompted, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(
            "Lösenord (tomt: bara API-token)", hide_input=True, confirmation_prompt=True, default="", show_default=False
        )
    created = create_user(db.session, name, list(roles), actor=actor, password=password or None, supplier=supplier)
    click.echo(f"Användaren {created.name} skapad med roller {', '.join(created.roles)}.", err=True)


@user.command("disable")
@click.argument("name")
@actor_option
@with_appcontext
@transactional
def disable_user_command(name, actor):
    """Disable a person: every session of theirs ends at once, and their API tokens stop working."""
    set_active(db.session, name, False, actor=actor)
    click.echo(f"Användaren {name} är spärrad; alla sessioner är avslutade.", err=True)


@user.command("enable")
@click.argument("name")
@actor_option
@with_appcontext
@transactional
def enable_user_command(name, actor):
    """Enable a disabled person again (they log in anew: old sessions stay ended)."""
    set_active(db.session, name, True, actor=actor)
    click.echo(f"Användaren {name} är aktiv igen.", err=True)


@click.group("token")
def token():
    """API tokens for people and e-shops."""


@token.command("create")
@click.option("--eshop", help="Supplier code: a token that reads only that supplier's feed.")
@click.option("--user", "user_name", help="A person: the token acts with that person's roles.")
@json_option
@actor_option
@with_appcontext
@transactional
def create_token_command(eshop, user_name, as_json, actor):
    """Create a token and print it once; only its hash is stored."""
    raw, created = create_token(db.session, actor=actor, user=user_name, eshop=eshop)
    if as_json:
        emit_json({"id": created.id, "token": raw, "kind": created.kind.value, "supplier": created.supplier})
    else:
        click.echo(raw)
    click.echo(f"Token {created.id} skapad. Spara den nu: den visas inte igen.", err=True)


@token.command("revoke")
@click.argument("token_id", type=int)
@actor_option
@with_appcontext
@transactional
def revoke_token_command(token_id, actor):
    """Revoke a token at once."""
    revoke_token(db.session, token_id, actor=actor)
    click.echo(f"Token {token_id} återkallad.", err=True)


@token.command("list")
@json_option
@with_appcontext
def list_tokens_command(as_json):
    """List tokens (never the tokens themselves)."""
    rows = [
        {
            "id": t.id,
            "kind": t.kind.value,
            "supplier": t.supplier,
            "user": t.user.name if t.user else None,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "revoked": t.revoked_at is not None,
        }
        for t in list_tokens(db.session)
    ]
    if as_json:
        emit_json({"tokens": rows})
    for row in rows:
        state = "återkallad" if row["revoked"] else "aktiv"
        click.echo(
            f"{row['id']:>4} {row['kind']:<6} {row['supplier'] or row['user']:<12} {row['prefix']}… {state}",
            err=as_json,
        )
