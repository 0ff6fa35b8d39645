import Foundation

/// The code lists the documents name: ISO 4217 currencies, ISO 3166-1
/// countries (alpha-2 and alpha-3).
public enum ISOCodes {
    public static let currencies = LetterCodes(Locale.Currency.isoCurrencies.map(\.identifier).filter { $0.utf8.count == 3 })

    public static let alpha2 = LetterCodes(Locale.Region.isoRegions.map(\.identifier).filter { $0.utf8.count == 2 })

    public static let alpha3 = LetterCodes("""
        ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM \
        BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR \
        CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB \
        GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA \
        JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA \
        MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR \
        NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS \
        SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON \
        TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
        """.split(separator: " ").map(String.init))
}

/// A set of codes of two or three capital letters, one bit per code:
/// every order's currency and countries are looked up here, and hashing
/// each text cost more than the rest of their checks.
public struct LetterCodes: Sendable {
    private var bits = [UInt64](repeating: 0, count: (26 * 26 * 26 + 26 * 26 + 63) / 64)

    /// Codes that are not two or three capital letters are left out.
    public init(_ codes: [String]) {
        for code in codes { if let i = Self.slot(code) { bits[i >> 6] |= 1 << UInt64(i & 63) } }
    }

    public func contains(_ code: String) -> Bool {
        guard let i = Self.slot(code) else { return false }
        return bits[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Three-letter codes take the first 26³ slots, two-letter ones the
    /// 26² after them.
    private static func slot(_ code: String) -> Int? {
        var value = 0, count = 0
        for b in code.utf8 {
            guard b >= UInt8(ascii: "A"), b <= UInt8(ascii: "Z"), count < 3 else { return nil }
            value = value * 26 + Int(b - UInt8(ascii: "A"))
            count += 1
        }
        switch count {
        case 3: return value
        case 2: return 26 * 26 * 26 + value
        default: return nil
        }
    }
}
