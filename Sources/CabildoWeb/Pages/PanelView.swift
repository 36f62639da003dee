import CabildoCore
import Mustache

/// A board's live panel as its page shows it: when, where, who, the stream, and the calendar file.
struct PanelView: MustacheParent, Sendable {
    let when: String
    let place: String
    let moderators: String
    let panelists: String
    let streamURL: String
    /// Only a panel with a start is an event a calendar can hold.
    let calendarPath: String?

    init(_ panel: BoardPanel, slug: String, t: Messages) {
        if let start = panel.startsAt {
            let day = t.dates.day(start, t.language)
            when = panel.endsAt.map {
                t.format("panel_when_range", ["day": day, "start": t.dates.time(start), "end": t.dates.time($0)])
            } ?? t.format("panel_when", ["day": day, "start": t.dates.time(start)])
        } else {
            when = ""
        }
        place = panel.place
        moderators = panel.moderators
        panelists = panel.panelists
        streamURL = panel.streamURL
        calendarPath = panel.startsAt == nil ? nil : SiteURL.panelCalendar(slug)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "when": when.isEmpty ? false : when
        case "place": place.isEmpty ? false : place
        case "moderators": moderators.isEmpty ? false : moderators
        case "panelists": panelists.isEmpty ? false : panelists
        case "streamURL": streamURL.isEmpty ? false : streamURL
        case "calendarPath": calendarPath ?? false
        default: nil
        }
    }
}
