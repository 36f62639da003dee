import CabildoCore
import Foundation

/// Proposals, endorsements, syntheses and the harvest: part of `ForumStore`.
public protocol ProposalStore: ForumStoreCore {
    // Proposals, endorsements, summaries and the harvest
    /// Adds the member's endorsement, or takes it back if they had given it; true when it is now given.
    func toggleEndorsement(threadId: Int64, by user: User, at date: Date) async throws -> Bool
    func endorsements(threadId: Int64) async throws -> [Stakeholder: Int]
    func summary(threadId: Int64) async throws -> ThreadSynthesis?
    func saveSummary(threadId: Int64, markdown: String, html: String, authorId: Int64, at date: Date) async throws
    /// One read of everything the harvest shows, for every board; hidden, held and deleted posts left out.
    /// Read from counts every write keeps current, so it costs milliseconds at a million posts.
    func harvest(at date: Date) async throws -> HarvestSnapshot
    /// The same, counted again from every visible post: the reference `harvest` must equal.
    func recomputedHarvest(at date: Date) async throws -> HarvestSnapshot
    /// What the harvest page shows of the forum (nil) or of the board `slug` names (nil if none
    /// does), read without reading every thread: it must equal `HarvestOverview(report)` of the
    /// same board's `harvest` report.
    func harvestOverview(board slug: String?, at date: Date) async throws -> HarvestOverview?
}
