import Foundation

/// Which day of the local calendar a moment falls on, as Foundation's `Calendar` says, with its
/// time zone's real history (Guatemala kept daylight saving time in 2006, for one).
///
/// The calendar is asked once per distinct day, not once per post: a `dateComponents` call
/// costs about 2 µs here, seconds at a million posts. Each day found is kept as its interval,
/// and a moment inside a known interval is that day.
struct LocalDays {
    /// The consultation's calendar: Gregorian, in Guatemala's time.
    static let guatemala: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Guatemala") ?? .gmt
        return calendar
    }()

    let calendar: Calendar
    /// The days seen so far, sorted and disjoint.
    private var known: [DateInterval] = []
    /// Where the last answer was found: posts come in bursts of the same day.
    private var last = 0

    init(calendar: Calendar = Self.guatemala) { self.calendar = calendar }

    /// The start of the day `date` falls on: one value for every moment of that day.
    mutating func day(of date: Date) -> Date {
        if last < known.count, known[last].start <= date, date < known[last].end { return known[last].start }
        // The first day that ends after `date`: that day, or the gap before it where `date` falls.
        var low = 0, high = known.count
        while low < high {
            let middle = (low + high) / 2
            if known[middle].end <= date { low = middle + 1 } else { high = middle }
        }
        if low < known.count, known[low].start <= date {
            last = low
            return known[low].start
        }
        let day = interval(of: date)
        known.insert(day, at: low)
        last = low
        return day.start
    }

    /// Every day from the day of `first` to the day of `last`, in order, quiet days included.
    func days(from first: Date, through last: Date) -> [Date] {
        var days: [Date] = []
        var day = interval(of: first)
        while day.start <= last {
            days.append(day.start)
            day = interval(of: day.end)
        }
        return days
    }

    /// "YYYY-MM-DD" of the day starting at `start`.
    func text(_ start: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: start)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private func interval(of date: Date) -> DateInterval {
        // Every moment belongs to a day; the fallback (a day of 24 hours) is never taken.
        calendar.dateInterval(of: .day, for: date) ?? DateInterval(start: date, duration: 86400)
    }
}
