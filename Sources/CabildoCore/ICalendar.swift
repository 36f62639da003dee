import Foundation

/// An iCalendar file (RFC 5545) of timed events, as phones and desktop calendars import it from
/// a link: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), TEXT
/// values escaped. Times are written in UTC with `Z` (RFC 5545 §3.3.5, form 2) rather than
/// with a VTIMEZONE: an instant in UTC is read the same by every client, which shows it in the
/// phone's own zone, whereas a VTIMEZONE would have to restate the forum zone's offset rules
/// (and any daylight saving it ever had) correctly for whatever `CABILDO_TIME_ZONE` names. The
/// zone is given as `X-WR-TIMEZONE`, a hint some clients use for display.
public struct ICalendar: Sendable {
    public struct Event: Sendable {
        /// Stable for the same thing across downloads, so a second import updates, not duplicates.
        public var uid: String
        public var start: Date
        public var end: Date?
        public var summary: String
        public var location: String
        public var description: String
        public var url: String?

        public init(uid: String, start: Date, end: Date?, summary: String, location: String, description: String, url: String?) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.location = location
            self.description = description
            self.url = url
        }
    }

    public var name: String
    public var timeZone: String
    public var events: [Event]

    public init(name: String, timeZone: String, events: [Event]) {
        self.name = name
        self.timeZone = timeZone
        self.events = events
    }

    /// The file's text; `stamp` is its DTSTAMP (when it was made).
    public func text(stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cabildo//Foro//ES", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name), "X-WR-TIMEZONE:" + Self.escape(timeZone)]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + Self.escape(event.uid), "DTSTAMP:" + Self.utc(stamp), "DTSTART:" + Self.utc(event.start)]
            if let end = event.end { lines.append("DTEND:" + Self.utc(end)) }
            lines.append("SUMMARY:" + Self.escape(event.summary))
            if !event.location.isEmpty { lines.append("LOCATION:" + Self.escape(event.location)) }
            if !event.description.isEmpty { lines.append("DESCRIPTION:" + Self.escape(event.description)) }
            // A URI value is not TEXT: it is written as it is (the stream and base addresses hold no CR or LF).
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined()
    }

    /// TEXT (§3.3.11): backslash, semicolon, comma and line breaks escaped; other controls dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for scalar in normalized.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One content line, CRLF-terminated, folded (§3.1) so no line is longer than 75 octets:
    /// each continuation starts with a space, which counts toward its 75.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for character in line.unicodeScalars {
            let octets = String(character).utf8.count
            if width + octets > 75 {
                out += "\r\n "
                width = 1
            }
            out.unicodeScalars.append(character)
            width += octets
        }
        return out + "\r\n"
    }

    /// "20181025T150000Z".
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0,
                      c.second ?? 0)
    }
}
