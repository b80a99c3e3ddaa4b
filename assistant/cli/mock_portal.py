"""``ustd mock-portal``: serve the offline replica of the portal for people and tests."""

from __future__ import annotations

from typing import Optional

import typer


def mock_portal(
    port: int = typer.Option(8765, "--port", "-p", help="Port on 127.0.0.1 (0 picks a free one)."),
    locale: str = typer.Option("zh-CN", "--locale", help="Default locale: zh-CN or en-US."),
    latency_ms: int = typer.Option(0, "--latency-ms", help="Delay every response by this many milliseconds."),
    session_expiry_after: Optional[int] = typer.Option(
        None, "--session-expiry-after", help="Expire a session after N page loads (redirects to sign-in)."
    ),
    fail_once: Optional[str] = typer.Option(
        None, "--fail-once", help="Answer the next request to this page with HTTP 500, e.g. 'applicant_details'."
    ),
    waiting_room_seconds: float = typer.Option(
        0.0, "--waiting-room-seconds", help="Hold each new visitor in a waiting room for this long."
    ),
    captcha: bool = typer.Option(True, "--captcha/--no-captcha", help="Show a captcha at sign-in."),
    rate_limit: Optional[int] = typer.Option(
        20, "--rate-limit", help="Page requests per second per client before HTTP 429 (0 turns it off)."
    ),
    backdoor: bool = typer.Option(True, "--backdoor/--no-backdoor", help="Serve the test-only /__mock__/ API."),
    variant: Optional[list[str]] = typer.Option(
        None, "--variant", metavar="NAME[,NAME...]",
        help="Draw pages in other plausible markups, at most one per group (e.g. class-select,dates-input); "
             "repeatable. The names are listed in fixtures/README.md.",
    ),
    variant_seed: int = typer.Option(0, "--variant-seed", help="Seed of the order-shuffled variant."),
) -> None:
    """Serve the mock portal on 127.0.0.1 so a person can click through every page."""
    if locale not in ("zh-CN", "en-US"):
        raise typer.BadParameter("use zh-CN or en-US", param_hint="--locale")
    from fixtures.config import MockConfig
    from fixtures.server import serve
    from fixtures.variants import parse_variants

    try:
        variants = parse_variants(",".join(variant or []))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--variant") from None

    config = MockConfig(
        latency_ms=latency_ms,
        session_expiry_after=session_expiry_after,
        fail_once=fail_once,
        waiting_room_seconds=waiting_room_seconds,
        captcha=captcha,
        default_locale=locale,
        rate_limit_per_second=rate_limit or None,
        backdoor=backdoor,
        variants=variants,
        variant_seed=variant_seed,
    )
    serve(config, port=port)
