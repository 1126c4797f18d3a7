"""`gradeck config get|set|list`: the profile's scheduling settings (docs/scheduling.md)."""

from __future__ import annotations

import argparse

from gradeck.errors import GradeckError
from gradeck.study import SETTING_HELP, SETTING_KEYS, Profile

EXIT_USAGE = 2


def _known(key: str | None) -> str:
    if key is None:
        raise GradeckError("name a setting: " + ", ".join(SETTING_KEYS), EXIT_USAGE)
    if key not in SETTING_KEYS:
        raise GradeckError(
            f"unknown setting {key!r}; settings are {', '.join(SETTING_KEYS)}", EXIT_USAGE
        )
    return key


def run_config(args: argparse.Namespace) -> int:
    if args.action == "list" and args.key is not None:
        raise GradeckError("`config list` takes no setting name", EXIT_USAGE)
    if args.action == "get" and args.value is not None:
        raise GradeckError("`config get` takes one setting name", EXIT_USAGE)
    if args.action == "set" and args.value is None:
        raise GradeckError("`config set` takes a setting name and a value", EXIT_USAGE)
    with Profile.open(args.data_dir, ()) as profile:
        values = profile.settings().as_strings()
        if args.action == "list":
            width = max(len(k) for k in SETTING_KEYS)
            for key in SETTING_KEYS:
                print(f"{key:<{width}}  {values[key]:<10}  {SETTING_HELP[key]}")
        elif args.action == "get":
            print(values[_known(args.key)])
        else:
            key = _known(args.key)
            try:
                profile.set_setting(key, args.value)
            except ValueError as exc:
                raise GradeckError(f"{key}: {exc}", EXIT_USAGE) from None
            print(f"{key} = {profile.settings().as_strings()[key]}")
    return 0
