import Foundation

/// When a board takes part in the consultation (Decidim's process phases): an admin sets the
/// moment it opens and the moment it closes; either may be left unset. Dates are instants, so the
/// forum's time zone matters only when they are typed and shown.
public struct BoardSchedule: Sendable, Hashable {
    public var opensAt: Date?
    public var closesAt: Date?

    public init(opensAt: Date? = nil, closesAt: Date? = nil) {
        self.opensAt = opensAt
        self.closesAt = closesAt
    }

    /// Where the board stands at `now`. The closing instant already belongs to "closed".
    public func phase(at now: Date) -> BoardPhase {
        if let opensAt, now < opensAt { return .upcoming(opensAt: opensAt) }
        if let closesAt, now >= closesAt { return .closed(closedAt: closesAt) }
        return .open(closesAt: closesAt)
    }

    /// The next instant after `now` at which the phase changes by the clock alone, nil when none
    /// is ahead: kept pages (`PageCache`) are good until then.
    public func nextChange(after now: Date) -> Date? {
        [opensAt, closesAt].compactMap { $0 }.filter { $0 > now }.min()
    }

    /// Closing must come after opening when both are set.
    public var isOrdered: Bool {
        guard let opensAt, let closesAt else { return true }
        return closesAt > opensAt
    }
}

public enum BoardPhase: Sendable, Hashable {
    /// Readable, nothing can be posted until `opensAt`.
    case upcoming(opensAt: Date)
    /// Taking posts, until `closesAt` when set.
    case open(closesAt: Date?)
    /// Read-only for good: the discussion stays, nothing is added, endorsements are frozen.
    case closed(closedAt: Date)

    /// Threads, replies, edits and endorsements are accepted only while open.
    public var takesPosts: Bool {
        if case .open = self { true } else { false }
    }
}

/// The live panel that closes a board's discussion (the 2018 forum held six on 25 October, each
/// in its own room, all streamed). Every field is optional; a panel without a start is shown on
/// the board page but is in no calendar.
public struct BoardPanel: Sendable, Hashable {
    public var startsAt: Date?
    public var endsAt: Date?
    public var place: String
    public var moderators: String
    public var panelists: String
    /// http or https only (`BoardPanel.validate`): it becomes a link on the board page.
    public var streamURL: String

    public init(startsAt: Date? = nil, endsAt: Date? = nil, place: String = "", moderators: String = "", panelists: String = "",
                streamURL: String = "") {
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
        self.moderators = moderators
        self.panelists = panelists
        self.streamURL = streamURL
    }

    public var isEmpty: Bool { self == BoardPanel() }

    /// Lengths in Unicode scalars, as SQLite's length() counts them in the schema's CHECKs.
    public static let placeLength = 200
    public static let namesLength = 1000
    public static let streamURLLength = 500

    /// The first problem with the panel as an admin typed it, by form field.
    public func validate() -> ValidationError? {
        if endsAt != nil, startsAt == nil { return ValidationError(field: "panel_starts_at", messageKey: "error_panel_end_without_start") }
        if let startsAt, let endsAt, endsAt <= startsAt {
            return ValidationError(field: "panel_ends_at", messageKey: "error_panel_end_before_start")
        }
        for (field, text, limit) in [("panel_place", place, Self.placeLength), ("panel_moderators", moderators, Self.namesLength),
                                     ("panel_panelists", panelists, Self.namesLength),
                                     ("panel_stream_url", streamURL, Self.streamURLLength)] where text.unicodeScalars.count > limit {
            return ValidationError(field: field, messageKey: "error_panel_too_long")
        }
        if !streamURL.isEmpty, !Self.isWebAddress(streamURL) {
            return ValidationError(field: "panel_stream_url", messageKey: "error_panel_stream_url")
        }
        return nil
    }

    /// An absolute http(s) address with a host and nothing a link should not hold (spaces,
    /// quotes, angle brackets, control characters): it goes into an `href` and a calendar.
    static func isWebAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || "\"<>\\`".unicodeScalars.contains($0) }) else {
            return false
        }
        guard let url = URL(string: text), let host = url.host, !host.isEmpty else { return false }
        return true
    }
}
