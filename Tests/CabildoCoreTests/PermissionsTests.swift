import CabildoCore
import Foundation
import Testing

@Suite struct PermissionsTests {
    let now = Date()
    func user(_ id: Int64, _ role: Role, suspendedFor days: Double? = nil) -> User {
        User(id: id, username: "u\(id)", role: role, stakeholder: .academia, language: nil, createdAt: now,
             suspendedUntil: days.map { now.addingTimeInterval($0 * 86400) }, suspensionReason: days == nil ? nil : "x")
    }

    @Test func moderatorsActOnMembersAndCommitteeOnlyAdminsOnEveryoneButThemselvesForAccounts() {
        let admin = user(1, .admin), moderator = user(2, .moderator), member = user(3, .member)
        let committee = user(4, .committee), otherModerator = user(5, .moderator), otherAdmin = user(6, .admin)
        for action in [Action.hidePost, .restorePost, .approvePost, .dismissFlags, .lockThread, .pinThread, .moveThread, .suspendUser] {
            #expect(Permissions.can(moderator, action, on: member.account, at: now))
            #expect(Permissions.can(moderator, action, on: committee.account, at: now))
            #expect(!Permissions.can(moderator, action, on: admin.account, at: now))
            #expect(!Permissions.can(moderator, action, on: otherModerator.account, at: now))
            #expect(Permissions.can(admin, action, on: otherModerator.account, at: now))
            #expect(Permissions.can(admin, action, on: otherAdmin.account, at: now))
            #expect(!Permissions.can(member, action, on: member.account, at: now))
            #expect(!Permissions.can(committee, action, on: member.account, at: now))
            #expect(!Permissions.can(nil, action, on: member.account, at: now))
        }
        #expect(Permissions.can(moderator, .hidePost, on: moderator.account, at: now), "their own content")
        #expect(!Permissions.can(moderator, .suspendUser, on: moderator.account, at: now), "never their own account")
        #expect(!Permissions.can(admin, .setRole, on: admin.account, at: now))
        #expect(Permissions.can(admin, .setRole, on: moderator.account, at: now))
        #expect(!Permissions.can(moderator, .setRole, on: member.account, at: now))
        #expect(!Permissions.can(moderator, .manageBoards, at: now) && Permissions.can(admin, .manageBoards, at: now))
    }

    @Test func suspensionStopsEverythingUntilItEnds() {
        let suspended = user(7, .member, suspendedFor: 1)
        let other = user(8, .member)
        #expect(!Permissions.can(suspended, .reply, at: now))
        #expect(!Permissions.can(suspended, .createThread, at: now))
        #expect(!Permissions.can(suspended, .flagPost, on: other.account, at: now))
        #expect(!Permissions.can(suspended, .editPost, on: suspended.account, at: now))
        #expect(Permissions.can(suspended, .reply, at: now.addingTimeInterval(2 * 86400)))
        #expect(!Permissions.can(user(9, .moderator, suspendedFor: 1), .hidePost, on: other.account, at: now))
    }

    @Test func membersEditTheirOwnAndFlagOthers() {
        let member = user(3, .member), other = user(4, .member)
        #expect(Permissions.can(member, .editPost, on: member.account, at: now))
        #expect(!Permissions.can(member, .editPost, on: other.account, at: now))
        #expect(Permissions.can(member, .flagPost, on: other.account, at: now))
        #expect(!Permissions.can(member, .flagPost, on: member.account, at: now))
        #expect(Permissions.can(member, .seeHiddenPost, on: member.account, at: now))
        #expect(!Permissions.can(member, .seeHiddenPost, on: other.account, at: now))
    }

    @Test func watchedWordsMatchWholeWordsIgnoringCaseAndAccents() {
        let words = [WatchedWord(id: 1, phrase: "casino", response: .hold),
                     WatchedWord(id: 2, phrase: "dinero facil", response: .block)]
        #expect(WatchedWord.fold("  Dinero   FÁCIL!! ") == "dinero facil")
        #expect(WatchedWord.firstMatch(in: "Visite el CASINÓ", among: words)?.id == 1)
        #expect(WatchedWord.firstMatch(in: "Los casinos", among: words) == nil)
        #expect(WatchedWord.firstMatch(in: "casino y dinero-fácil", among: words)?.id == 2, "blocking wins")
        #expect(WatchedWord.firstMatch(in: "dinero, difícil", among: words) == nil)
    }
}
