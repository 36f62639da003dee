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

    /// - Parameter boardOpen: endorsements close with the board.
    init(_ content: ThreadPageContent, boardOpen: Bool, context: AppRequestContext, t: Messages) {
        let thread = content.thread
        count = t.count(thread.endorsementCount, "count_endorsements")
        groups = Stakeholder.allCases.compactMap { group in
            content.endorsements[group].map { "\(t["stakeholder_" + group.rawValue]) \($0)" }
        }.joined(separator: " · ")
        let mayEndorse = boardOpen && context.can(.endorse, on: thread.author)
        endorseAction = mayEndorse ? SiteURL.endorse(thread.id) : nil
        endorsed = mayEndorse && content.viewerEndorsed
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
