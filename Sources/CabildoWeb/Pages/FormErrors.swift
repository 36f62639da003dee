import CabildoCore
import Mustache

/// Validation messages of a re-rendered form, by field, in the reader's language.
struct FormErrors: MustacheParent, Sendable {
    let messages: [String: String]

    init(_ errors: [ValidationError], _ t: Messages) {
        var messages: [String: String] = [:]
        for error in errors where messages[error.field] == nil { messages[error.field] = t.format(error.messageKey, error.values) }
        self.messages = messages
    }

    var any: Bool { !messages.isEmpty }

    /// `{{#errors.title}}…{{/errors.title}}`; `{{#errors.any}}` for the summary.
    func child(named name: String) -> Any? {
        name == "any" ? any : (messages[name] ?? false)
    }
}
