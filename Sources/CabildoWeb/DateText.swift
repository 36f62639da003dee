import CabildoCore
import Foundation

/// Dates as people here read them: "29 nov. 2026, 14:03" in Guatemala's time, and ISO 8601 for `<time>`.
struct DateText: Sendable {
    /// Built once: a thread page formats two dates per post.
    private let local: Calendar
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        local = calendar
    }

    /// The forum's time zone: dates on pages, and the hour digests leave.
    static let forumTimeZone = TimeZone(identifier: "America/Guatemala") ?? .gmt
    static let guatemala = DateText(timeZone: forumTimeZone)

    private static let months: [Language: [String]] = [
        .es: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
        .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ]

    func display(_ date: Date, _ language: Language) -> String {
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let month = Self.months[language]?[(c.month ?? 1) - 1] ?? ""
        return "\(c.day ?? 1) \(month) \(c.year ?? 1970), \(Self.pad(c.hour)):\(Self.pad(c.minute))"
    }

    static func iso8601(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(c.year ?? 1970)-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    }

    private static func pad(_ value: Int?) -> String {
        let v = value ?? 0
        return v < 10 ? "0\(v)" : "\(v)"
    }
}
