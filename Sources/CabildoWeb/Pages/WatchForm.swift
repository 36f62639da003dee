import CabildoCore
import Mustache

/// How the signed-in member watches a thread or a board, and buttons for the other levels
/// (`watch_form.mustache`, one form whose buttons each send a `level`).
struct WatchForm: MustacheParent, Sendable {
    enum Target: String, Sendable {
        case thread, board
    }

    let action: String
    let state: String
    let choices: [Choice]

    struct Choice: MustacheParent, Sendable {
        let value: String
        let label: String

        func child(named name: String) -> Any? {
            switch name {
            case "value": value
            case "label": label
            default: nil
            }
        }
    }

    init(_ target: Target, level: WatchLevel, action: String, t: Messages) {
        self.action = action
        state = t["watch_\(target.rawValue)_\(level.rawValue)"]
        choices = WatchLevel.allCases.filter { $0 != level }.map { Choice(value: $0.rawValue, label: t["watch_action_" + $0.rawValue]) }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "action": action
        case "state": state
        case "choices": choices
        default: nil
        }
    }
}
