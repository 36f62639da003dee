import CabildoCore
import Foundation
import Mustache

/// One language's message catalog (`Templates/messages.LANG.json`), looked up by templates as `{{t.key}}`.
public struct Messages: MustacheParent, Sendable {
    let strings: [String: String]

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

    public static func load(directory: String) throws -> Catalogs {
        var catalogs: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("messages.\(language.rawValue).json")
            catalogs[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        let spanish = catalogs[.es] ?? [:]
        return Catalogs(byLanguage: catalogs.mapValues { Messages(strings: spanish.merging($0) { _, own in own }) })
    }

    public subscript(_ language: Language) -> Messages { byLanguage[language] ?? Messages(strings: [:]) }
}
