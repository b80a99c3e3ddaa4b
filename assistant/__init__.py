"""ustd-assistant: prefill U.S. visa appointment applications up to human confirmation."""

from assistant._version import __version__
from flows.errors import UstdError

__all__ = ["UstdError", "__version__"]
