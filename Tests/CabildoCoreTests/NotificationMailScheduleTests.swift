import CabildoCore
import Foundation
import Testing

/// When a digest leaves: 07:00 in the forum's time zone, never sooner than the delay.
@Suite struct NotificationMailScheduleTests {
    private let schedule = NotificationMailSchedule(delay: 600, timeZone: TimeZone(identifier: "America/Guatemala")!)

    /// A moment in Guatemala (UTC−6, no daylight saving) as an ISO 8601 date.
    private func guatemala(_ text: String) -> Date {
        try! Date.ISO8601FormatStyle().parse(text + "-06:00")
    }

    @Test func theDigestLeavesAtSevenTheSameMorningOrTheNext() {
        #expect(schedule.digestDue(after: guatemala("2026-10-20T05:00:00")) == guatemala("2026-10-20T07:00:00"))
        #expect(schedule.digestDue(after: guatemala("2026-10-20T06:50:00")) == guatemala("2026-10-20T07:00:00"))
        // within the delay of seven, the next day's: a notification gets its delay to be read first
        #expect(schedule.digestDue(after: guatemala("2026-10-20T06:55:00")) == guatemala("2026-10-21T07:00:00"))
        #expect(schedule.digestDue(after: guatemala("2026-10-20T21:30:00")) == guatemala("2026-10-21T07:00:00"))
        // across the end of a month and a year
        #expect(schedule.digestDue(after: guatemala("2026-12-31T23:00:00")) == guatemala("2027-01-01T07:00:00"))
    }
}
