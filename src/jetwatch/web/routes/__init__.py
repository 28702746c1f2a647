"""The web API's routes, one router per area."""

from jetwatch.web.routes import exodus, flights, live, meta, watch

ROUTERS = [r.router for r in (live, flights, exodus, watch, meta)]
