import CabildoCore
import Mustache

/// How the signed-in member watches a thread or a board, said in words, and a button for each
/// other level (`watch_controls.mustache`). The same inputs always give the same markup, so it
/// is kept (`Renderer.watchControls`): the page puts it inside its own form, which carries the
/// member's CSRF token, and asks Mustache for two values instead of a section over buttons.
struct WatchControls: Hashable, Sendable {
    enum Target: String, Sendable {
        case thread, board
    }

    let target: Target
    let level: WatchLevel
    let language: Language
}

/// What `watch_controls.mustache` reads.
struct WatchControlsView: MustacheParent {
    let controls: WatchControls
    let t: Messages

    struct Choice: MustacheParent {
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

    func child(named name: String) -> Any? {
        switch name {
        case "state": t["watch_\(controls.target.rawValue)_\(controls.level.rawValue)"]
        case "choices":
            WatchLevel.allCases.filter { $0 != controls.level }.map { Choice(value: $0.rawValue, label: t["watch_action_" + $0.rawValue]) }
        default: nil
        }
    }
}
