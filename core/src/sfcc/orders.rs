//! SCAPI's Admin Orders API (`checkout/orders/v1`), `getOrder`: one order by its number, read
//! server to server with the API client's own credentials.
//!
//! Contract (commerce-sdk `apis/orders-oas-1.5.2/orders-oas-v1-public.yaml`, ECOM 26.8):
//! `GET https://{shortCode}.api.commercecloud.salesforce.com/checkout/orders/v1/organizations/
//! {organizationId}/orders/{orderNo}?siteId={siteId}` (`siteId` required), scope `sfcc.orders`
//! (or `sfcc.orders.rw`); the answer is a camelCase `Order` like the Shopper Orders API's, whose
//! lines carry no `price` (`basePrice`, `priceAfterItemDiscount`, `grossPrice`, `netPrice`) and
//! no master id; an unknown order (or site) is a 404 with an RFC 7807 body. The token is Account
//! Manager's `client_credentials` grant for the scope `SALESFORCE_COMMERCE_API:{tenant}
//! sfcc.orders`, the tenant being the organization id without `f_ecom_` (Salesforce's
//! `b2c-developer-tooling`, skill `b2c-scapi-admin`; the OAS names only `sfcc.orders`).

use crate::clerk::percent_encode;

/// The Admin Orders API's read scope.
pub const ORDERS_SCOPE: &str = "sfcc.orders";

/// Checks an organization id as the OAS's pattern has it: `f_ecom_` + a 4-letter realm + `_` +
/// the instance (`prd`, `stg`, `dev`, `s01`…, or three digits), e.g. `f_ecom_zzxy_prd`.
pub fn check_organization_id(id: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "{id:?} is not a SCAPI organization id (f_ecom_ + realm + _ + instance, e.g. \
             f_ecom_zzxy_prd; Business Manager › Administration › Site Development › \
             Salesforce Commerce API Settings)"
        )
    };
    let tenant = id.strip_prefix("f_ecom_").ok_or_else(bad)?;
    let (realm, instance) = tenant.split_once('_').ok_or_else(bad)?;
    let realm_ok = realm.len() == 4 && realm.bytes().all(|b| b.is_ascii_lowercase());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let instance_ok = matches!(instance, "prd" | "stg" | "dev")
        || (instance.len() == 3 && digits(instance))
        || (instance.len() == 3 && instance.starts_with('s') && digits(&instance[1..]));
    if realm_ok && instance_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// The token scope for `api_scope` on organization `organization_id`: the tenant's Commerce
/// API role and the API's own scope.
pub fn admin_scope(organization_id: &str, api_scope: &str) -> String {
    let tenant = organization_id
        .strip_prefix("f_ecom_")
        .unwrap_or(organization_id);
    format!("SALESFORCE_COMMERCE_API:{tenant} {api_scope}")
}

/// Path of `getOrder` for order `number` of site `site_id`, below the SCAPI base URL.
pub fn admin_order_path(organization_id: &str, number: &str, site_id: &str) -> String {
    format!(
        "/checkout/orders/v1/organizations/{}/orders/{}?siteId={}",
        percent_encode(organization_id),
        percent_encode(number),
        percent_encode(site_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_ids_follow_the_oas_pattern() {
        for good in [
            "f_ecom_zzxy_prd",
            "f_ecom_bcgl_stg",
            "f_ecom_zzte_053",
            "f_ecom_zzrf_s01",
        ] {
            assert_eq!(check_organization_id(good), Ok(()), "{good}");
        }
        for bad in [
            "zzxy_prd",
            "f_ecom_zzxy",
            "f_ecom_ZZXY_prd",
            "f_ecom_zzxy_live",
            "",
        ] {
            let why = check_organization_id(bad).expect_err(bad);
            assert!(why.contains("f_ecom_zzxy_prd"), "{why}");
        }
    }

    #[test]
    fn the_scope_names_the_tenant_without_its_prefix() {
        assert_eq!(
            admin_scope("f_ecom_zzxy_prd", ORDERS_SCOPE),
            "SALESFORCE_COMMERCE_API:zzxy_prd sfcc.orders"
        );
    }

    #[test]
    fn the_order_path_encodes_its_parts_and_names_the_site() {
        assert_eq!(
            admin_order_path("f_ecom_zzxy_prd", "00000410", "RefArch"),
            "/checkout/orders/v1/organizations/f_ecom_zzxy_prd/orders/00000410?siteId=RefArch"
        );
        assert!(
            admin_order_path("f_ecom_zzxy_prd", "a/b?c", "RefArch").contains("/orders/a%2Fb%3Fc?")
        );
    }
}
