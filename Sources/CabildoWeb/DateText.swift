import CabildoCore
import Foundation

/// Dates as people here read them: "29 nov. 2026, 14:03" in the forum's time zone
/// (`CABILDO_TIME_ZONE`), and ISO 8601 for `<time>`. Pages reach it through their catalog
/// (`Messages.date`), built once at start with the setting.
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

    var timeZone: TimeZone { local.timeZone }

    private static let months: [Language: [String]] = [
        .es: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
        .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ]

    func display(_ date: Date, _ language: Language) -> String {
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let month = Self.months[language]?[(c.month ?? 1) - 1] ?? ""
        return "\(c.day ?? 1) \(month) \(c.year ?? 1970), \(Self.pad(c.hour)):\(Self.pad(c.minute))"
    }

    private static let fullMonths: [Language: [String]] = [
        .es: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
              "diciembre"],
        .en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
              "December"],
    ]

    /// "24 de octubre de 2018" / "24 October 2018": a phase's or a panel's day.
    func day(_ date: Date, _ language: Language) -> String {
        let c = local.dateComponents([.year, .month, .day], from: date)
        let month = Self.fullMonths[language]?[(c.month ?? 1) - 1] ?? ""
        return language == .es ? "\(c.day ?? 1) de \(month) de \(c.year ?? 1970)" : "\(c.day ?? 1) \(month) \(c.year ?? 1970)"
    }

    /// "18:00", in the forum's time zone.
    func time(_ date: Date) -> String {
        let c = local.dateComponents([.hour, .minute], from: date)
        return "\(Self.pad(c.hour)):\(Self.pad(c.minute))"
    }

    /// The value of an HTML `datetime-local` field, "2018-10-25T09:00", in the forum's time zone.
    func inputValue(_ date: Date) -> String {
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(c.year ?? 1970)-\(Self.pad(c.month))-\(Self.pad(c.day))T\(Self.pad(c.hour)):\(Self.pad(c.minute))"
    }

    /// What a `datetime-local` field sent ("2018-10-25T09:00", seconds allowed), read in the
    /// forum's time zone; nil for anything else, an impossible day (31 June) included.
    func parseInput(_ text: String) -> Date? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard day.count == 3, (2...3).contains(clock.count), day[0].count == 4,
              [day[1], day[2], clock[0], clock[1]].allSatisfy({ $0.count == 2 }),
              (day + clock).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(day[0]), let month = Int(day[1]), let dayOfMonth = Int(day[2]),
              let hour = Int(clock[0]), let minute = Int(clock[1]) else { return nil }
        let second = clock.count == 3 ? Double(clock[2]) ?? -1 : 0
        guard (0..<60).contains(second) else { return nil }
        let components = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
        guard let date = local.date(from: components) else { return nil }
        // The calendar rolls 31 June over to 1 July: a day that does not exist is refused.
        let back = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard back.year == year, back.month == month, back.day == dayOfMonth, back.hour == hour, back.minute == minute else { return nil }
        return date
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
