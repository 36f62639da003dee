import Foundation
import Mustache

/// For tests: the keys templates asked for that nothing answered. Mustache renders such a key
/// as nothing, so a view model missing a case of its `switch` (or a key renamed on one side only)
/// shows as a silently empty spot on the page; rendering every page with this on finds them.
///
/// A key is looked up from the innermost section outwards and reaches the rendered root last,
/// so the root is where "nobody answered" can be seen.
final class TemplateKeyAudit: @unchecked Sendable {
    private let lock = NSLock()
    private var missing: Set<String> = []

    init() {}

    /// "template: key" for every key nothing answered, sorted.
    var missingKeys: [String] { lock.withLock { missing.sorted() } }

    private func record(_ key: String, in template: String) {
        _ = lock.withLock { missing.insert("\(template): \(key)") }
    }

    /// The rendered model, reporting the keys it does not answer.
    struct Root: MustacheParent {
        let model: any MustacheParent
        let template: String
        let audit: TemplateKeyAudit

        func child(named name: String) -> Any? {
            if let value = model.child(named: name) { return value }
            audit.record(name, in: template)
            return nil
        }
    }
}
