import CabildoStore
import CabildoTestSupport
import Foundation
import Hummingbird
import Testing
@testable import CabildoWeb

/// `SiteURL` writes each route's pattern and the links to it side by side; these tests keep the
/// two in step, through the real router.
@Suite struct SiteURLTests {
    /// Every kind of link the app builds, with the route it must reach. Names and queries carry
    /// characters that must be escaped (user names: letters, digits, `_` and `-`).
    static let links: [(route: SiteURL, link: String)] = [
        (.home, SiteURL.home.path),
        (.health, SiteURL.health.path),
        (.metrics, SiteURL.metrics.path),
        (.search, SiteURL.search.path),
        (.search, SiteURL.search("cobertura móvil & más", page: 2)),
        (.register, SiteURL.register.path),
        (.privacy, SiteURL.privacy.path),
        (.login, SiteURL.login.path),
        (.login, SiteURL.login(returningTo: "/t/7/reply?parent=9")),
        (.login, SiteURL.loginAfterReset),
        (.loginCode, SiteURL.loginCode.path),
        (.loginCode, SiteURL.loginCode(returningTo: "/t/7/reply?parent=9")),
        (.logout, SiteURL.logout.path),
        (.settings, SiteURL.settings.path),
        (.settings, SiteURL.settingsSaved),
        (.settingsPassword, SiteURL.settingsPassword.path),
        (.settingsTwoFactor, SiteURL.settingsTwoFactor.path),
        (.settingsSessions, SiteURL.settingsSessions.path),
        (.endSession, SiteURL.endSession(12)),
        (.endOtherSessions, SiteURL.endOtherSessions.path),
        (.settingsExport, SiteURL.settingsExport.path),
        (.settingsDelete, SiteURL.settingsDelete.path),
        (.settingsDelete, SiteURL.accountClosed),
        (.settingsEmail, SiteURL.settingsEmail.path),
        (.settingsEmail, SiteURL.settingsEmailSaved),
        (.settingsEmail, SiteURL.settingsEmailSent),
        (.confirmEmail, SiteURL.confirmEmail("AbC-_09")),
        (.passwordForgot, SiteURL.passwordForgot.path),
        (.passwordForgot, SiteURL.passwordForgotSent),
        (.passwordReset, SiteURL.passwordReset("AbC-_09")),
        (.unsubscribe, SiteURL.unsubscribe("12.AbC-_09")),
        (.language, SiteURL.language.path),
        (.notifications, SiteURL.notifications.path),
        (.notifications, SiteURL.notifications(before: 31)),
        (.notificationsRead, SiteURL.notificationsRead.path),
        (.user, SiteURL.user("maría_ñ-2")),
        (.board, SiteURL.board("banda-ancha")),
        (.board, SiteURL.board("banda-ancha", before: 42)),
        (.newThread, SiteURL.newThread("banda-ancha")),
        (.feed, SiteURL.feed("banda-ancha")),
        (.watchBoard, SiteURL.watchBoard("banda-ancha")),
        (.panelCalendar, SiteURL.panelCalendar("banda-ancha")),
        (.calendar, SiteURL.calendar.path),
        (.thread, SiteURL.thread(7)),
        (.thread, SiteURL.thread(7, root: 9)),
        (.thread, SiteURL.post(7, 9)),
        (.thread, SiteURL.endorsements(7)),
        (.reply, SiteURL.reply(7)),
        (.reply, SiteURL.reply(7, parent: 9)),
        (.endorse, SiteURL.endorse(7)),
        (.summary, SiteURL.summary(7)),
        (.boardConclusions, SiteURL.boardConclusions("banda-ancha")),
        (.watchThread, SiteURL.watchThread(7)),
        (.editPost, SiteURL.editPost(9)),
        (.deletePost, SiteURL.deletePost(9)),
        (.postHistory, SiteURL.postHistory(9)),
        (.flagPost, SiteURL.flagPost(9)),
        (.appeal, SiteURL.appeal(9)),
        (.harvest, SiteURL.harvest.path),
        (.harvest, SiteURL.harvest(board: "banda-ancha")),
        (.harvestCSV, SiteURL.harvestExport("csv", board: nil)),
        (.harvestJSON, SiteURL.harvestExport("json", board: "banda-ancha")),
        (.harvestMarkdown, SiteURL.harvestExport("md", board: nil)),
        (.harvestReport, SiteURL.harvestReport.path),
        (.harvestReportMarkdown, SiteURL.harvestReportMarkdown.path),
        (.harvestDepartmentsCSV, SiteURL.harvestDepartmentsCSV(board: nil)),
        (.harvestDepartmentsCSV, SiteURL.harvestDepartmentsCSV(board: "banda-ancha")),
        (.moderationQueue, SiteURL.moderationQueue.path),
        (.moderatePost, SiteURL.moderatePost(9)),
        (.moderatePostAction, SiteURL.moderatePost(9, "hide")),
        (.moderateThread, SiteURL.moderateThread(7)),
        (.moderateThreadAction, SiteURL.moderateThread(7, "lock")),
        (.moderateUser, SiteURL.moderateUser("maría_ñ-2", "suspend")),
        (.adminBoards, SiteURL.adminBoards.path),
        (.adminBoard, SiteURL.adminBoard("banda-ancha", "rename")),
        (.adminBoard, SiteURL.adminBoard("banda-ancha", "schedule")),
        (.adminBoard, SiteURL.adminBoard("banda-ancha", "panel")),
        (.adminWords, SiteURL.adminWords.path),
        (.adminWord, SiteURL.adminWord(3)),
        (.moderationLog, SiteURL.moderationLog.path),
        (.moderationLog, SiteURL.moderationLog(before: 5)),
    ]

    /// The pattern as the router reports it (`{id}`), in logs and metrics.
    static func pattern(_ route: SiteURL) -> String { RouterPath(route.rawValue).description }

    @Test func everyRouteHasALinkInTheList() {
        #expect(Set(Self.links.map(\.route)) == Set(SiteURL.allCases))
    }

    @Test func theRouterRegistersEveryRouteAndNothingElse() async throws {
        // Given the app's router
        let config = testConfig()
        let store = try AppDatabase.temporary(searchLimits: config.searchLimits)
        let passwords = try PasswordService(hasher: config.passwordHasher, threads: 1)
        let router = try await buildRouter(config: config, store: store, passwords: passwords).router
        // Then its routes are exactly the cases of SiteURL
        #expect(Set(router.routes.map { "\($0.path)" }) == Set(SiteURL.allCases.map(Self.pattern)))
        try await passwords.shutdown()
        removeDatabase(at: store.path)
    }

    @Test func everyLinkReachesItsOwnRoute() async throws {
        let logs = LogCapture()
        let patterns = Set(SiteURL.allCases.map(Self.pattern))
        try await withApp(logs: logs) { browser, _ in
            for (route, link) in Self.links {
                // When a browser follows the link (it keeps the fragment to itself) with either method
                let sent = String(link.prefix { $0 != "#" })
                let before = logs.lines.count
                try await browser.get(sent)
                try await browser.postRaw(sent, body: "")
                // Then the router matched the link's own route (with one method at least), and no other
                let matched = logs.lines[before...].compactMap { line in
                    line.split(separator: " ").first { $0.hasPrefix("route=") }.map { String($0.dropFirst("route=".count)) }
                }.filter(patterns.contains)
                #expect(!matched.isEmpty && matched.allSatisfy { $0 == Self.pattern(route) }, "\(link) reached \(matched), not \(route.rawValue)")
            }
        }
    }

    /// Templates write the links that take no values as text; each must still be a route.
    @Test func everyFixedLinkInTheTemplatesIsARoute() throws {
        let directory = repositoryRoot.appendingPathComponent("Templates")
        let fixed = try NSRegularExpression(pattern: #"(?:href|action|src)="(/[^"{]*)""#)
        let routes = Set(SiteURL.allCases.filter { !$0.rawValue.contains("{") }.map(\.path))
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            for match in fixed.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let link = String(text[Range(match.range(at: 1), in: text)!])
                #expect(routes.contains(link) || link.hasPrefix(SiteURL.staticPrefix), "\(name): \(link) is not a route")
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
