//! Where the worker answers for itself on the shop's domain: everything under [`PREFIX`], so no
//! path of the storefront's own (a shop's `/events` page, its `/health` or `/admin`) is ever
//! shadowed. The old root paths (`/health`, `/events`, `/admin/*`) answer only when the shop turns
//! them on (`LEGACY_PATHS=true`), for set-ups made before the move.

/// The worker's own path prefix.
pub const PREFIX: &str = "/__sfcc-clerk";
/// Health (`GET`).
pub const HEALTH: &str = "/__sfcc-clerk/health";
/// The event endpoint (`POST`): the beacon's and any other client's.
pub const EVENTS: &str = "/__sfcc-clerk/events";
/// The operator API, below it (`/__sfcc-clerk/admin/status`…).
pub const ADMIN: &str = "/__sfcc-clerk/admin";

/// Which of the worker's own routes a request path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnRoute<'a> {
    /// Health.
    Health,
    /// The event endpoint.
    Events,
    /// The operator API; the path below it (`/status`, `/dead-letters/1/replay`).
    Admin(&'a str),
    /// Another path under [`PREFIX`] (QA, the status page, or none: a 404 of the worker's, never
    /// the storefront's, so a mistyped path with a token never reaches the origin).
    Other(&'a str),
}

/// The worker's own route of `path`, or `None` when it is the storefront's. `legacy` also takes
/// the old root paths.
pub fn own_route(path: &str, legacy: bool) -> Option<OwnRoute<'_>> {
    let (own, rest) = match path.strip_prefix(PREFIX) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (true, rest),
        _ if legacy => (false, path),
        _ => return None,
    };
    match rest {
        "/health" => Some(OwnRoute::Health),
        "/events" => Some(OwnRoute::Events),
        r if r.starts_with("/admin/") => Some(OwnRoute::Admin(&r["/admin".len()..])),
        r if own => Some(OwnRoute::Other(r)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_answers_under_its_prefix_only_unless_the_old_paths_are_on() {
        assert_eq!(own_route(HEALTH, false), Some(OwnRoute::Health));
        assert_eq!(own_route(EVENTS, false), Some(OwnRoute::Events));
        assert_eq!(
            own_route("/__sfcc-clerk/admin/dead-letters/1/replay", false),
            Some(OwnRoute::Admin("/dead-letters/1/replay"))
        );
        assert_eq!(
            own_route("/__sfcc-clerk/qa/on", false),
            Some(OwnRoute::Other("/qa/on"))
        );
        assert_eq!(
            own_route("/__sfcc-clerk/qa/onn", false),
            Some(OwnRoute::Other("/qa/onn")),
            "a typo is the worker's 404, not the shop's page"
        );
        assert_eq!(own_route("/__sfcc-clerk", false), Some(OwnRoute::Other("")));
        // The shop's own paths.
        for shop in [
            "/events",
            "/health",
            "/admin/status",
            "/__sfcc-clerkx/events",
            "/",
        ] {
            assert_eq!(own_route(shop, false), None, "{shop}");
        }
        // Turned on, the old paths answer as before.
        assert_eq!(own_route("/events", true), Some(OwnRoute::Events));
        assert_eq!(own_route("/health", true), Some(OwnRoute::Health));
        assert_eq!(
            own_route("/admin/status", true),
            Some(OwnRoute::Admin("/status"))
        );
        assert_eq!(own_route("/eventsx", true), None);
        assert_eq!(own_route("/on/demandware.store/x", true), None);
    }
}
