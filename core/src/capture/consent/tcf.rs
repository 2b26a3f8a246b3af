//! IAB TCF v2 TC strings (the `euconsent-v2` cookie most CMPs write first-party; the name is the
//! CMP's choice, so it is configurable).
//!
//! Source: IAB Tech Lab, "Consent string and vendor list formats v2" (TCF 2.2/2.3). A TC string is
//! segments joined by `.`; the core segment comes first, URL-safe base64 without padding, fields
//! big-endian, bits numbered left to right: Version (6 bits, `2`) at 0, TcfPolicyVersion (6) at
//! 132, IsServiceSpecific (1, must be 1) at 138, PurposesConsent (24) at 152 — purpose *n* is
//! bit 151 + *n*. "Post 30 September 2023 a TC String created with a policy version set to
//! smaller than 4 will be deemed invalid."
//!
//! Purposes that matter to on-site recommendations (TCF v2.2 vendor list): 1 store and/or access
//! information on a device, 5 create profiles for personalised content, 6 use profiles to select
//! personalised content. Legitimate interest cannot stand in for 5 and 6 under TCF 2.2, so only
//! the consent bits are read. Which bits a processor outside the Global Vendor List should read
//! (these, its vendor bit, or the publisher's own purposes segment) the specification does not
//! settle; the core purposes are what CMPs set from the banner's purpose toggles.

use super::cookie_values;

/// The cookie name most CMPs use.
pub const DEFAULT_COOKIE: &str = "euconsent-v2";

/// The purposes required by default.
pub const DEFAULT_PURPOSES: [u8; 3] = [1, 5, 6];

/// The oldest policy version a TC string may carry to be valid.
const MIN_POLICY_VERSION: u64 = 4;

/// What the TC string in cookie `name` says of the `required` purposes: `Some(true)` all have
/// consent, `Some(false)` one has not, `None` no cookie or an invalid string. Of two, a refusal
/// wins.
pub fn answer(header: &str, name: &str, required: &[u8]) -> Option<bool> {
    if required.is_empty() || name.is_empty() {
        return None;
    }
    let answers: Vec<bool> = cookie_values(header, name)
        .filter_map(|value| {
            let core = decode(value.split('.').next()?)?;
            let consents = purposes(&core)?;
            Some(required.iter().all(|p| consents.contains(p)))
        })
        .collect();
    super::one_answer(&answers)
}

/// The purposes with consent in a core segment's bytes; `None` when it is not a valid v2 core.
fn purposes(core: &[u8]) -> Option<Vec<u8>> {
    let bits = |offset: usize, len: usize| -> Option<u64> {
        let mut v = 0u64;
        for i in offset..offset + len {
            let byte = core.get(i / 8)?;
            v = (v << 1) | u64::from((byte >> (7 - i % 8)) & 1);
        }
        Some(v)
    };
    if bits(0, 6)? != 2 || bits(132, 6)? < MIN_POLICY_VERSION || bits(138, 1)? != 1 {
        return None;
    }
    let consent = bits(152, 24)?;
    Some(
        (1..=24u8)
            .filter(|n| consent >> (24 - n) & 1 == 1)
            .collect(),
    )
}

/// URL-safe base64 without padding (a stray `=` tolerated); `None` on any other character.
fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut n) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
            acc &= (1 << n) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A core segment laid out as the specification's table has it: version 2, `policy`, service
    /// specific, and consent for `consented` purposes (the rest zero, as in the spec's example).
    fn core_segment(policy: u64, consented: &[u8]) -> String {
        let mut bits = vec![0u8; 264];
        let mut put = |offset: usize, len: usize, value: u64| {
            for i in 0..len {
                bits[offset + i] = ((value >> (len - 1 - i)) & 1) as u8;
            }
        };
        put(0, 6, 2);
        put(132, 6, policy);
        put(138, 1, 1);
        for p in consented {
            put(151 + usize::from(*p), 1, 1);
        }
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        bits.chunks(6)
            .map(|c| {
                let v = c.iter().fold(0usize, |a, b| a << 1 | usize::from(*b));
                ALPHABET[v << (6 - c.len())] as char
            })
            .collect()
    }

    #[test]
    fn the_specifications_example_decodes_and_its_old_policy_makes_it_invalid() {
        // The core segment of the example in IAB's "Consent string and vendor list formats v2":
        // version 2, CMP 880, language EN, publisher country DE, policy version 2, no purposes.
        let example = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA";
        let bytes = decode(example).expect("base64url");
        assert_eq!(bytes[0] >> 2, 2, "version 2");
        assert_eq!(purposes(&bytes), None, "policy version 2 is below 4");
        let cookie = format!("euconsent-v2={example}.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA");
        assert_eq!(answer(&cookie, DEFAULT_COOKIE, &DEFAULT_PURPOSES), None);
    }

    #[test]
    fn purposes_one_five_and_six_decide() {
        let all = core_segment(4, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        let c = |s: &str| format!("euconsent-v2={s}.YAAAAAAAAAAA");
        assert_eq!(
            answer(&c(&all), DEFAULT_COOKIE, &DEFAULT_PURPOSES),
            Some(true)
        );
        let no_profiles = core_segment(4, &[1, 2, 7]);
        assert_eq!(
            answer(&c(&no_profiles), DEFAULT_COOKIE, &DEFAULT_PURPOSES),
            Some(false)
        );
        assert_eq!(answer(&c(&no_profiles), DEFAULT_COOKIE, &[1]), Some(true));
        let last = core_segment(5, &[24]);
        assert_eq!(answer(&c(&last), DEFAULT_COOKIE, &[24]), Some(true));
        // A CMP that names its cookie otherwise.
        let named = format!("eupubconsent-v2={all}");
        assert_eq!(answer(&named, DEFAULT_COOKIE, &DEFAULT_PURPOSES), None);
        assert_eq!(
            answer(&named, "eupubconsent-v2", &DEFAULT_PURPOSES),
            Some(true)
        );
        // Two strings: a refusal wins.
        let two = format!("{}; {}", c(&all), c(&no_profiles));
        assert_eq!(answer(&two, DEFAULT_COOKIE, &DEFAULT_PURPOSES), Some(false));
    }

    #[test]
    fn broken_strings_are_no_answer() {
        for bad in ["", "!!!!", "A", "CQSb", "euconsent"] {
            assert_eq!(
                answer(&format!("euconsent-v2={bad}"), DEFAULT_COOKIE, &[1]),
                None,
                "{bad}"
            );
        }
        let not_service_specific = {
            let s = core_segment(4, &[1, 5, 6]);
            // Bit 138 is in the 24th base64 character (bits 138..144): clear its top bit.
            let mut chars: Vec<char> = s.chars().collect();
            let v = ALPHA.find(chars[23]).expect("base64 char");
            chars[23] = ALPHA.as_bytes()[v & 0b011111] as char;
            chars.into_iter().collect::<String>()
        };
        assert_eq!(
            answer(
                &format!("euconsent-v2={not_service_specific}"),
                DEFAULT_COOKIE,
                &[1]
            ),
            None
        );
    }

    const ALPHA: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}
