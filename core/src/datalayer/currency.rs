//! ISO 4217 currency codes in use (funds and precious-metal codes left out: no shop prices in
//! them).

const CODES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB \
BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR \
FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES \
KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR \
MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR \
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH \
UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// True for a known ISO 4217 code: three uppercase letters from the list.
pub fn is_iso_4217(code: &str) -> bool {
    code.len() == 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && CODES.split_ascii_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_codes_and_refuses_the_rest() {
        for good in ["USD", "EUR", "GBP", "JPY", "DKK", "CHF"] {
            assert!(is_iso_4217(good), "{good}");
        }
        for bad in ["usd", "US", "USDD", "XYZ", "$", "", "EU R"] {
            assert!(!is_iso_4217(bad), "{bad}");
        }
    }

    #[test]
    fn the_list_is_sorted_and_well_formed() {
        let codes: Vec<&str> = CODES.split_ascii_whitespace().collect();
        assert!(codes.len() > 150);
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert!(codes
            .iter()
            .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }
}
