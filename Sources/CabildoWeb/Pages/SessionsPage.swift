import CabildoCore
import CabildoStore
import Mustache

struct SessionsPage: Page {
    static let template = "sessions"
    let layout: Layout
    let sessions: [SessionRow]

    init(_ sessions: [SessionInfo], visitor: Visitor, renderer: Renderer) {
        let t = renderer.catalogs[visitor.language]
        layout = renderer.layout(visitor, title: t["sessions"])
        self.sessions = sessions.map { SessionRow($0, language: visitor.language, t: t) }
    }

    func value(_ name: String) -> Any? {
        switch name {
        case "sessions": sessions
        case "hasOthers": sessions.contains { !$0.isCurrent }
        case "endOthersAction": SiteURL.endOtherSessions.path
        default: nil
        }
    }
}

struct SessionRow: MustacheParent, Sendable {
    let device: String
    let started: String
    let lastSeen: String
    let isCurrent: Bool
    let endAction: String

    init(_ session: SessionInfo, language: Language, t: Messages) {
        let named = DeviceName.describe(session.userAgent)
        device = named.isEmpty ? t["session_unknown_device"] : named
        started = t.date(session.createdAt)
        lastSeen = t.date(session.lastSeenAt)
        isCurrent = session.isCurrent
        endAction = SiteURL.endSession(session.id)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "device": device
        case "started": started
        case "lastSeen": lastSeen
        case "isCurrent": isCurrent
        case "endAction": endAction
        default: nil
        }
    }
}
