import Foundation

/// What an account may do on the forum. Stored by raw value.
public enum Role: String, Sendable, CaseIterable, Codable {
    case member, moderator, committee, admin
}

/// The multi-stakeholder groups of an Internet Governance Forum, chosen at registration.
public enum Stakeholder: String, Sendable, CaseIterable, Codable {
    case government
    case privateSector = "private-sector"
    case civilSociety = "civil-society"
    case academia
    case technicalCommunity = "technical-community"
    case internationalOrganization = "international-organization"
    case individual
}

/// The interface languages. Spanish is the default.
public enum Language: String, Sendable, CaseIterable, Codable {
    case es, en

    /// Picks the first supported language of an `Accept-Language` header, honouring q-values.
    public static func preferred(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary), quality > 0 else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0
    }
}
