import CabildoCore
import CabildoStore
import Foundation
import Hummingbird
import Mustache

/// The public moderation log: anyone can see what staff did, to what, and why.
struct ModerationLogController {
    let store: any ForumStore
    let renderer: Renderer
    let perPage = 50

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(.moderationLog, use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let before = request.uri.queryParameters.get("before", as: Int64.self)
        var entries = try await store.moderationLog(before: before, limit: perPage + 1)
        var nextPage: String?
        if entries.count > perPage {
            entries.removeLast()
            nextPage = entries.last.map { SiteURL.moderationLog(before: $0.id) }
        }
        let t = renderer.catalogs[context.visitor.language]
        let page = ModerationLogPage(
            layout: renderer.layout(context.visitor, title: t["moderation_log"]),
            entries: entries.map { LogEntryView($0, language: context.visitor.language, t: t) },
            nextPage: nextPage,
            isLaterPage: before != nil
        )
        return renderer.render(page)
    }
}

struct ModerationLogPage: Page {
    static let template = "moderation_log"
    let layout: Layout
    let entries: [LogEntryView]
    let nextPage: String?
    let isLaterPage: Bool

    func value(_ name: String) -> Any? {
        switch name {
        case "entries": entries
        case "empty": entries.isEmpty
        case "nextPage": nextPage ?? false
        case "firstPage": isLaterPage ? SiteURL.moderationLog.path : false
        default: nil
        }
    }
}

/// One log line in words: when, who, what, to what (linked), and why.
struct LogEntryView: MustacheParent, Sendable {
    let date: String
    let dateISO: String
    let actor: String
    let actorPath: String
    let action: String
    let target: String
    let targetPath: String
    let detail: String
    let reason: String

    init(_ entry: LogEntry, language: Language, t: Messages) {
        date = t.date(entry.createdAt)
        dateISO = DateText.iso8601(entry.createdAt)
        switch entry.actor {
        case .forum: (actor, actorPath) = (t["log_system"], "")
        case .member(let name): (actor, actorPath) = (name, SiteURL.user(name))
        case .closedAccount: (actor, actorPath) = (t["account_deleted"], "")
        }
        action = t["log_" + entry.action.rawValue]
        switch entry.targetKind {
        case .post:
            target = entry.threadTitle.map { t.format("log_target_post", ["id": "\(entry.targetId)", "title": $0]) }
                ?? t.format("log_target_post_untitled", ["id": "\(entry.targetId)"])
            targetPath = entry.threadId.map { SiteURL.post($0, entry.targetId) } ?? ""
        case .thread:
            target = entry.threadTitle ?? "#\(entry.targetId)"
            targetPath = SiteURL.thread(entry.targetId)
        case .user:
            let user = MemberName(entry.userName, t)
            (target, targetPath) = (user.text, user.path ?? "")
        case .board:
            target = (language == .en ? entry.boardTitleEN : entry.boardTitleES) ?? "#\(entry.targetId)"
            targetPath = entry.boardSlug.map(SiteURL.board) ?? ""
        case .word:
            target = t["log_target_word"]
            targetPath = ""
        }
        switch entry.action {
        case .suspendUser:
            detail = Int64(entry.detail).map {
                t.format("log_until", ["date": t.date(Date(timeIntervalSince1970: TimeInterval($0)))])
            } ?? t["log_until_lifted"]
        case .addWatchedWord:
            detail = t["word_" + entry.detail]
        case .autoHidePost:
            detail = ""  // the count is in the reason
        case .restorePost:
            detail = entry.detail == "appeal" ? t["log_appeal_upheld"] : entry.detail
        case .scheduleBoard:
            // "OPENS/CLOSES", Unix times, either empty for no bound.
            let bounds = entry.detail.split(separator: "/", omittingEmptySubsequences: false).map {
                Int64($0).map { t.longDate(Date(timeIntervalSince1970: TimeInterval($0))) } ?? t["log_no_bound"]
            }
            detail = bounds.count == 2 ? t.format("log_schedule", ["opens": bounds[0], "closes": bounds[1]]) : ""
        case .setBoardPanel:
            detail = Int64(entry.detail).map { t.longDate(Date(timeIntervalSince1970: TimeInterval($0))) } ?? ""
        default:
            detail = entry.detail
        }
        // The forum wrote this one itself: its reason is the number of flags, said in the reader's language.
        reason = entry.action == .autoHidePost ? t.format("log_reason_flags", ["n": entry.detail]) : entry.reason
    }

    func child(named name: String) -> Any? {
        switch name {
        case "date": date
        case "dateISO": dateISO
        case "actor": actor
        case "actorPath": actorPath.isEmpty ? false : actorPath
        case "action": action
        case "target": target
        case "targetPath": targetPath.isEmpty ? false : targetPath
        case "detail": detail.isEmpty ? false : detail
        case "reason": reason
        default: nil
        }
    }
}
