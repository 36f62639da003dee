import CabildoCore
import Foundation
import Mustache

/// One language's message catalog (`Templates/messages.LANG.json`), looked up by templates as `{{t.key}}`.
public struct Messages: MustacheParent, Sendable {
    let strings: [String: String]
    let language: Language
    /// Dates in the forum's time zone (`CABILDO_TIME_ZONE`).
    let dates: DateText

    init(strings: [String: String], language: Language, dates: DateText) {
        self.strings = strings
        self.language = language
        self.dates = dates
    }

    /// "29 nov. 2026, 14:03" in this catalog's language and the forum's time zone.
    func date(_ date: Date) -> String { dates.display(date, language) }

    public func child(named name: String) -> Any? { strings[name] }

    public subscript(_ key: String) -> String { strings[key] ?? key }

    /// "1 mensaje" / "3 mensajes": `KEY_one` when n is 1, `KEY` otherwise, with `{n}` filled in.
    public func count(_ n: Int, _ key: String) -> String {
        format(n == 1 && strings[key + "_one"] != nil ? key + "_one" : key, ["n": "\(n)"])
    }

    /// Replaces `{name}` placeholders, e.g. `t.format("replies", ["n": "3"])`.
    public func format(_ key: String, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}

/// Both catalogs. Spanish is complete by rule; an English gap falls back to Spanish.
public struct Catalogs: Sendable {
    let byLanguage: [Language: Messages]

    /// - Parameter timeZone: the forum's (`AppConfig.timeZone`): every date the catalogs format is in it.
    public static func load(directory: String, timeZone: TimeZone) throws -> Catalogs {
        let dates = DateText(timeZone: timeZone)
        var catalogs: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("messages.\(language.rawValue).json")
            catalogs[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        let spanish = catalogs[.es] ?? [:]
        return Catalogs(byLanguage: Dictionary(uniqueKeysWithValues: catalogs.map { language, strings in
            (language, Messages(strings: spanish.merging(strings) { _, own in own }, language: language, dates: dates))
        }))
    }

    public subscript(_ language: Language) -> Messages { byLanguage[language] ?? Messages(strings: [:], language: language, dates: DateText(timeZone: .gmt)) }
}
