import CabildoCore
import Foundation

/// The web side of `Permissions.boardTakesPosts`: every route that adds to a board (new thread,
/// reply, edit, endorsement; their forms too) asks here first, so all of them refuse with the
/// same sentence the board page shows. The store checks the rule again inside its write.
enum BoardGate {
    static func check(_ board: Board, at now: Date, preservedText: String? = nil) throws {
        guard !board.archived else { throw AppError.forbidden(messageKey: "error_board_archived", preservedText: preservedText) }
        let phase = board.schedule.phase(at: now)
        guard phase.takesPosts else { throw AppError.boardNotOpen(phase, slug: board.slug, preservedText: preservedText) }
    }
}

/// What a board's phase is called where boards are listed: "abierto hasta el 24 de octubre de
/// 2018, 18:00", "abre el …", "cerrado el …"; nil for a board without dates (always open).
func phaseLabel(_ board: Board, at now: Date, t: Messages) -> String? {
    guard board.schedule != BoardSchedule() else { return nil }
    switch board.schedule.phase(at: now) {
    case .upcoming(let opensAt): return t.format("phase_opens", ["date": t.longDate(opensAt)])
    case .open(let closesAt?): return t.format("phase_open_until", ["date": t.longDate(closesAt)])
    case .open(nil): return t["phase_open"]
    case .closed(let closedAt): return t.format("phase_closed", ["date": t.longDate(closedAt)])
    }
}

/// The sentence a board page shows above its threads, and a refused post gets, for a board that
/// is not open: when it opens; or when it closed, with the link to its conclusions.
struct PhaseNotice: Equatable {
    let text: String
    let conclusionsPath: String?

    init?(_ phase: BoardPhase, slug: String, t: Messages) {
        switch phase {
        case .open: return nil
        case .upcoming(let opensAt):
            text = t.format("board_upcoming_notice", ["date": t.longDate(opensAt)])
            conclusionsPath = nil
        case .closed(let closedAt):
            text = t.format("board_closed_notice", ["date": t.longDate(closedAt)])
            conclusionsPath = SiteURL.boardConclusions(slug)
        }
    }
}

extension Messages {
    /// "24 de octubre de 2018, 18:00" / "24 October 2018, 18:00": when a phase starts or ends.
    func longDate(_ date: Date) -> String { dates.day(date, language) + ", " + dates.time(date) }
}
