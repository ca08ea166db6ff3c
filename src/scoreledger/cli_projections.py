"""``scoreledger projections DB``: the kept projections, and --rebuild / --drop them."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TypeVar

import rules
from ledger.errors import LedgerError
from ledger.store import Ledger
from projections.api import resolve_ruleset
from projections.keep import BATCH_EVENTS, Projection, code_version
from projections.periods import parse_period
from projections.state_store import Kept, StateStore, store_for

from .cli_reports import DB_HELP
from .render.reports import to_json
from .render.text import table

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def _store(ledger: Ledger) -> StateStore:
    store = store_for(ledger.side_tables())
    if store is None:
        raise LedgerError(f"{ledger.label}: this database keeps no projection state")
    return store


def _current(ruleset_id: str) -> str | None:
    """The fingerprint a shipped ruleset has today (None: not a shipped id)."""
    if ruleset_id not in rules.shipped_ids():
        return None
    return rules.fingerprint(rules.load(ruleset_id))


def _state(kept: Kept) -> str:
    """ready, building (n of m pending), or why it would never be used again."""
    if kept.key.code != code_version():
        return f"stale (code version {kept.key.code}, now {code_version()}): rebuilt on use"
    now = _current(kept.key.ruleset)
    if now is not None and now != kept.key.fingerprint:
        return "stale (the ruleset changed): rebuilt on use"
    if kept.status == "building":
        return f"building ({kept.pending} of {kept.groups} groups to go)"
    return kept.status


def _row(kept: Kept) -> dict[str, Any]:
    return {
        "ruleset": kept.key.ruleset,
        "period": kept.key.period,
        "fingerprint": kept.key.fingerprint,
        "code_version": kept.key.code,
        "status": _state(kept),
        "position": kept.position,
        "groups": kept.groups,
        "size": kept.size,
        "updated_at": kept.updated_at,
    }


def _chosen(args: argparse.Namespace, listed: list[Kept]) -> list[Kept]:
    out = listed
    if args.ruleset is not None:
        wanted = resolve_ruleset(args.ruleset).id
        out = [k for k in out if k.key.ruleset == wanted]
    if args.period is not None:
        out = [k for k in out if k.key.period == parse_period(args.period).label]
    return out


def _say(args: argparse.Namespace, text: str) -> None:
    if args.verbose:
        print(text, file=sys.stderr)


def _rebuild(ledger: Ledger, args: argparse.Namespace, chosen: list[Kept]) -> list[str]:
    """Rebuild the chosen projections (or the one --ruleset and --period name)."""
    jobs: dict[tuple[str, str], Any] = {}
    if args.ruleset is not None and args.period is not None:
        jobs[(args.ruleset, args.period)] = resolve_ruleset(args.ruleset)
    for kept in chosen:
        if (kept.key.ruleset, kept.key.period) in {(resolve_ruleset(r).id, p) for r, p in jobs}:
            continue
        if kept.key.ruleset not in rules.shipped_ids():
            raise LedgerError(
                f"projection {kept.key.ruleset} {kept.key.period}: a revision; rebuild it "
                "with --ruleset FILE --period P"
            )
        jobs[(kept.key.ruleset, kept.key.period)] = rules.load(kept.key.ruleset)
    done = []
    store = _store(ledger)
    for (_ref, period), loaded in jobs.items():
        if not isinstance(loaded, rules.PointsRuleset):
            raise LedgerError(f"{loaded.id}: a checklist ruleset keeps no projection")
        projection = Projection(
            ledger, store, loaded, parse_period(period), batch_events=args.batch_events
        )
        done.append(projection.rebuild(ledger.head().seq, log=lambda t: _say(args, t)))
    return done


def _cmd_projections(args: argparse.Namespace) -> int:
    if args.rebuild and args.drop:
        raise LedgerError("projections: give --rebuild or --drop, not both")
    with Ledger.open(args.db) as ledger:
        store = _store(ledger)
        chosen = _chosen(args, store.kept())
        if args.drop:
            with store.transaction() as w:
                for kept in chosen:
                    w.drop(kept.id)
            print(f"dropped {len(chosen)} projection{'s' if len(chosen) != 1 else ''}")
            return 0
        if args.rebuild:
            for line in _rebuild(ledger, args, chosen):
                print(line)
            return 0
        rows = [_row(k) for k in chosen]
    if args.format == "json":
        sys.stdout.write(to_json({"code_version": code_version(), "projections": rows}))
        return 0
    if not rows:
        print("(no projections kept)")
        return 0
    head = ["ruleset", "period", "fingerprint", "code", "position", "groups", "size", "status"]
    body = [
        [
            r["ruleset"],
            r["period"],
            r["fingerprint"][:12],
            r["code_version"],
            str(r["position"]),
            str(r["groups"]),
            f"{r['size']:,}",
            r["status"],
        ]
        for r in rows
    ]
    print("\n".join(table([head, *body])))
    return 0


def add_projections_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Register ``projections`` on the main parser."""
    p = sub.add_parser(
        "projections",
        help="the projections kept in a ledger; rebuild or drop them",
        description="The boards kept in the ledger file (one per ruleset fingerprint, code "
        "version and period) with the position each covers; score, explain and diff bring "
        "them up to the head by reading only the events after it.",
    )
    p.add_argument("db", metavar="DB", help=DB_HELP)
    p.add_argument("--rebuild", action="store_true", help="build the chosen projections anew")
    p.add_argument("--drop", action="store_true", help="delete the chosen projections")
    p.add_argument("--ruleset", help="only this ruleset's (with --period: build it if missing)")
    p.add_argument("--period", help="only this period's")
    p.add_argument(
        "--batch-events",
        dest="batch_events",
        type=int,
        default=BATCH_EVENTS,
        metavar="N",
        help=f"a rebuild re-runs at most N events a step, each step committed "
        f"(default {BATCH_EVENTS:,})",
    )
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="the listing's format"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="say what each step did")
    p.set_defaults(run=_cmd_projections)
