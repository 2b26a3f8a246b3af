//! Which copy of a sale is the sale. An order can reach the worker twice: the server's own
//! reading (the confirmation page as it streamed through, or SCAPI's answer to the order
//! placement) and the page's `purchase` push, which anyone can post with any order number and
//! lines. The server's reading is the authority: a page's copy is only taken from the page view
//! the worker served as that order's confirmation page (its `page_id`, which nobody else was
//! shown), and only stands in for the server's when the server had no copy of its own (a page
//! without readable lines, or one shown before the shopper answered the consent banner). A
//! page's copy never claims an order number the server has not seen, so posting the next order
//! numbers swallows no real order.

use super::Source;

/// How long a sale the server read waits on the queue, seconds: the page's own report of it,
/// which may carry the shop's customer number, is recorded first.
pub const SERVER_SALE_DELAY_S: u32 = 5;

/// How long a page's copy of a sale waits on the queue, seconds: longer than the server's, so
/// that the server's copy, when there is one, is the one sent.
pub const CLIENT_SALE_DELAY_S: u32 = 10;

// The server's copy must be sent before a page's copy of the same order comes round.
const _: () = assert!(CLIENT_SALE_DELAY_S > SERVER_SALE_DELAY_S);

/// What the worker recorded of the page a copy of a sale names (the order and page view's
/// `sale_details`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SalePage {
    /// The worker served this page view as the order's confirmation page.
    pub served: bool,
    /// The worker queued its own reading of the order from it.
    pub server_copy: bool,
}

/// What becomes of one copy of a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleCopy {
    /// It is the sale: send it (at most once, as every sale).
    Send,
    /// The server's copy is the sale; this one only added what it carried.
    Skip(&'static str),
    /// Not a sale the worker can vouch for: refused and counted.
    Refuse(&'static str),
}

/// Why a page's copy of a sale is refused.
pub const UNSERVED: &str =
    "no confirmation page of this order was served to the page view that reported it";

/// Why a page's copy of a sale is not sent.
pub const SERVER_HAS_IT: &str = "the worker read this order from its confirmation page";

/// The plan for a copy of a sale from `source`, given what was recorded of its page.
pub fn plan_sale_copy(source: Source, page: Option<SalePage>) -> SaleCopy {
    match (source, page) {
        (Source::Server, _) => SaleCopy::Send,
        (Source::Client, Some(p)) if p.served && p.server_copy => SaleCopy::Skip(SERVER_HAS_IT),
        (Source::Client, Some(p)) if p.served => SaleCopy::Send,
        (Source::Client, _) => SaleCopy::Refuse(UNSERVED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_reading_is_the_sale_and_a_pages_only_from_its_served_page() {
        let served = |server_copy| {
            Some(SalePage {
                served: true,
                server_copy,
            })
        };
        assert_eq!(plan_sale_copy(Source::Server, None), SaleCopy::Send);
        assert_eq!(plan_sale_copy(Source::Server, served(true)), SaleCopy::Send);
        assert_eq!(
            plan_sale_copy(Source::Client, served(true)),
            SaleCopy::Skip(SERVER_HAS_IT)
        );
        assert_eq!(
            plan_sale_copy(Source::Client, served(false)),
            SaleCopy::Send,
            "the server saw the order but had no copy to send"
        );
        assert_eq!(
            plan_sale_copy(Source::Client, None),
            SaleCopy::Refuse(UNSERVED),
            "a posted order number no page of the worker showed"
        );
        assert_eq!(
            plan_sale_copy(Source::Client, Some(SalePage::default())),
            SaleCopy::Refuse(UNSERVED),
            "only the page's own report of what it carried"
        );
    }
}
