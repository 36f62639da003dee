import CabildoCore
import CabildoStore
import Mustache

/// A proposal's support on its thread page: how many endorsed, from which groups, and the
/// endorse button for members who may press it.
struct ProposalSupport: MustacheParent, Sendable {
    let count: String
    let groups: String
    let endorseAction: String?
    let endorsed: Bool

    init(thread: ThreadSummary, store: any ForumStore, context: AppRequestContext, t: Messages) async throws {
        count = t.count(thread.endorsementCount, "count_endorsements")
        let byGroup = thread.endorsementCount > 0 ? try await store.endorsements(threadId: thread.id) : [:]
        groups = Stakeholder.allCases.compactMap { group in
            byGroup[group].map { "\(t["stakeholder_" + group.rawValue]) \($0)" }
        }.joined(separator: " · ")
        if context.can(.endorse, on: thread.author), let user = context.visitor.user {
            endorseAction = SiteURL.endorse(thread.id)
            endorsed = try await store.hasEndorsed(threadId: thread.id, userId: user.id)
        } else {
            endorseAction = nil
            endorsed = false
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "count": count
        case "groups": groups.isEmpty ? false : groups
        case "endorseAction": endorseAction ?? false
        case "endorsed": endorsed
        default: nil
        }
    }
}
