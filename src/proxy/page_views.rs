//! A page the request's URL did not name (an SEO URL): what it is comes from SFRA's page
//! container (`[data-action][data-querystring]`) as the page streams, else, at the end of the
//! page, from the URL's form ([`seo_product`](sfcc_clerk_core::capture::seo_product)). The core
//! decides ([`page_action_captures`]); this carries it out: events to queue once the page has
//! reached the shopper, or, until the shopper answers the consent banner, a script that hands
//! them to the page's beacon to hold.

use sfcc_clerk_core::capture::{
    held_script, page_action_captures, server_event, CaptureRule, Captured, Forwarding,
};
use sfcc_clerk_core::event::{Event, IngestContext, Source};
use sfcc_clerk_core::identity::VisitorId;

/// What the rewriter needs to turn the page's own naming into events.
pub struct PageViews {
    /// The storefront's GET rules.
    pub rules: Vec<CaptureRule>,
    /// The URL form's reading, used when the page names nothing.
    pub fallback: Option<Captured>,
    /// The store, its currency, the visitor and the page view's id.
    pub store: String,
    pub currency: String,
    pub visitor: Option<VisitorId>,
    pub page_id: String,
    /// What consent allows.
    pub decision: Forwarding,
    /// When the page was asked for, ms.
    pub now_ms: u64,
    /// Events to queue once the page has gone out.
    pub found: Vec<Event>,
    /// The page container was seen (only the first counts).
    named: bool,
}

impl PageViews {
    /// Ready for a page; nothing found yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rules: Vec<CaptureRule>,
        fallback: Option<Captured>,
        store: String,
        currency: String,
        visitor: Option<VisitorId>,
        page_id: String,
        decision: Forwarding,
        now_ms: u64,
    ) -> Self {
        Self {
            rules,
            fallback,
            store,
            currency,
            visitor,
            page_id,
            decision,
            now_ms,
            found: Vec::new(),
            named: false,
        }
    }

    /// The page container's `data-action` and `data-querystring`: the markup to put into it
    /// when its events are held for the shopper's answer.
    pub fn on_container(&mut self, action: &str, querystring: &str) -> Option<String> {
        if self.named {
            return None;
        }
        self.named = true;
        let captured = page_action_captures(&self.rules, action, querystring);
        self.take(&captured)
    }

    /// The end of the page: the URL's reading when the page named nothing, and the markup to
    /// append when its events are held.
    pub fn on_end(&mut self) -> Option<String> {
        if self.named {
            return None;
        }
        self.named = true;
        let captured: Vec<Captured> = self.fallback.take().into_iter().collect();
        self.take(&captured)
    }

    fn take(&mut self, captured: &[Captured]) -> Option<String> {
        let input = IngestContext {
            store: &self.store,
            currency: &self.currency,
            visitor: self.visitor.as_ref(),
            customer: None,
            now_ms: self.now_ms,
            request_id: &self.page_id,
            source: Source::Server,
        };
        let events: Vec<Event> = captured
            .iter()
            .map(|c| server_event(c, &self.page_id, &input))
            .collect();
        match self.decision {
            Forwarding::WithIdentity | Forwarding::Anonymous => {
                self.found.extend(events);
                None
            }
            Forwarding::Hold if !events.is_empty() => {
                let held: Vec<_> = events.iter().map(|e| e.held_form(&self.page_id)).collect();
                Some(held_script(&held))
            }
            Forwarding::Hold | Forwarding::Drop => None,
        }
    }
}
