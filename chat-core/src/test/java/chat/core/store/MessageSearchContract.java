package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do for full-text search: every query word matches a word
 * prefix, case- and accent-insensitively; only the conversations asked for; newest first, with
 * paging that neither repeats nor skips; the current text of edited messages; never a deleted
 * message or one of a deleted conversation; and the index surviving a restart. Run through
 * {@link MessageStoreContract}.
 */
public abstract class MessageSearchContract extends MessageStoreFixture {

  private StoredMessage say(ConvId conv, String from, String text) {
    return send(new NewMessage(conv, from, text, "cid-" + now(), now()));
  }

  private StoredMessage say(ConvId conv, String from, String text, long ts) {
    return send(new NewMessage(conv, from, text, "cid-" + now(), ts));
  }

  private List<StoredMessage> search(List<ConvId> convs, String query, int limit) {
    return store.search(new SearchQuery(convs, SearchText.words(query), null, limit));
  }

  private List<StoredMessage> search(List<ConvId> convs, String query) {
    return search(convs, query, 100);
  }

  private static List<String> texts(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::text).collect(Collectors.toList());
  }

  @Test
  void everyWordMustMatchTheStartOfAWordWhateverItsCase() {
    say(GENERAL, "alice", "The Release notes are out");
    say(GENERAL, "bob", "release party tonight");
    say(GENERAL, "carol", "nothing to see");

    assertEquals(List.of("release party tonight", "The Release notes are out"),
        texts(search(List.of(GENERAL), "rel")));
    assertEquals(List.of("The Release notes are out"),
        texts(search(List.of(GENERAL), "RELEASE not")));
    assertEquals(List.of(), texts(search(List.of(GENERAL), "elease")),
        "a word is matched from its start only");
    assertEquals(List.of(), texts(search(List.of(GENERAL), "release cake")));
  }

  @Test
  void accentsOfLatinLettersAreIgnoredBothWays() {
    say(GENERAL, "alice", "Rendez-vous au Café à midi");
    say(GENERAL, "bob", "naive resume");

    assertEquals(List.of("Rendez-vous au Café à midi"), texts(search(List.of(GENERAL), "cafe")));
    assertEquals(List.of("Rendez-vous au Café à midi"), texts(search(List.of(GENERAL), "CAFÉ")));
    assertEquals(List.of("naive resume"), texts(search(List.of(GENERAL), "naïve résumé")));
  }

  @Test
  void wordsOfEveryScriptAreMatchedFromTheirStartMarksIncluded() {
    say(GENERAL, "alice", "हिन्दी में");
    say(GENERAL, "bob", "हाथ");
    say(GENERAL, "carol", "สวัสดี ครับ");
    say(GENERAL, "dave", "สวยงาม");

    // A vowel sign is part of its word: हि starts हिन्दी only, not every word on ह.
    assertEquals(List.of("हिन्दी में"), texts(search(List.of(GENERAL), "हि")));
    assertEquals(List.of("हाथ"), texts(search(List.of(GENERAL), "हा")));
    assertEquals(List.of("สวัสดี ครับ"), texts(search(List.of(GENERAL), "สวั")));
  }

  @Test
  void composedAndDecomposedTextAreTheSameWords() {
    say(GENERAL, "alice", "\u03ac\u03bb\u03c6\u03b1 composed"); // ά as one character
    say(GENERAL, "bob", "\u03b1\u0301\u03bb\u03c6\u03b1 decomposed"); // α and an accent
    say(GENERAL, "carol", "\u304b\u3099 decomposed"); // か and a voicing mark: が
    say(GENERAL, "dave", "\u01e3sir and \u01ffre"); // ǣ and ǿ: Latin letters with accents

    assertEquals(List.of("\u03b1\u0301\u03bb\u03c6\u03b1 decomposed",
        "\u03ac\u03bb\u03c6\u03b1 composed"), texts(search(List.of(GENERAL), "\u03ac\u03bb")));
    assertEquals(List.of("\u304b\u3099 decomposed"), texts(search(List.of(GENERAL), "\u304c")));
    assertEquals(List.of("\u01e3sir and \u01ffre"), texts(search(List.of(GENERAL), "\u00e6sir")));
    assertEquals(List.of("\u01e3sir and \u01ffre"), texts(search(List.of(GENERAL), "\u01ffre")));
  }

  @Test
  void queryWordsThatLookLikeOperatorsAreJustWords() {
    say(GENERAL, "alice", "salt OR pepper, NOT sugar NEAR the stove");
    say(GENERAL, "bob", "salt and pepper");

    assertEquals(List.of("salt OR pepper, NOT sugar NEAR the stove"),
        texts(search(List.of(GENERAL), "or not near")));
    assertEquals(List.of("salt and pepper"), texts(search(List.of(GENERAL), "and")));
  }

  @Test
  void onlyTheConversationsAskedForAreSearched() {
    say(GENERAL, "alice", "deploy at noon");
    say(RANDOM, "bob", "deploy the cat pictures");
    say(ALICE_BOB, "bob", "deploy secrets between us");
    say(ALICE_CAROL, "carol", "deploy nothing");

    assertEquals(List.of("deploy the cat pictures", "deploy at noon"),
        texts(search(List.of(GENERAL, RANDOM), "deploy")));
    assertEquals(List.of("deploy secrets between us"),
        texts(search(List.of(ALICE_BOB), "deploy")));
    assertEquals(List.of(), search(List.of(ConvId.room("empty")), "deploy"));
  }

  @Test
  void newestFirstAcrossConversationsAndPagesNeitherRepeatNorSkip() {
    List<StoredMessage> sent = new ArrayList<>();
    long ts = now();
    // Messages at the same ms in different conversations: the order must still be total.
    for (int i = 0; i < 7; i++) {
      sent.add(say(i % 2 == 0 ? GENERAL : RANDOM, "alice", "match number " + i, ts + i / 2));
      say(GENERAL, "bob", "other number " + i, ts + i / 2);
    }
    List<ConvId> both = List.of(GENERAL, RANDOM);

    List<StoredMessage> all = search(both, "match");
    assertEquals(7, all.size());
    List<StoredMessage> expected = new ArrayList<>(sent);
    expected.sort((a, b) -> {
      if (a.ts() != b.ts()) {
        return Long.compare(b.ts(), a.ts());
      }
      int byConv = b.conv().key().compareTo(a.conv().key());
      return byConv != 0 ? byConv : Long.compare(b.seq(), a.seq());
    });
    assertEquals(expected, all);

    List<StoredMessage> paged = new ArrayList<>();
    SearchQuery.Position after = null;
    for (int page = 0; page < 10 && paged.size() < 7; page++) {
      List<StoredMessage> got = store.search(
          new SearchQuery(both, SearchText.words("match"), after, 3));
      paged.addAll(got);
      if (got.isEmpty()) {
        break;
      }
      after = SearchQuery.Position.of(got.get(got.size() - 1));
    }
    assertEquals(all, paged);
    assertEquals(List.of(), store.search(new SearchQuery(both, SearchText.words("match"),
        SearchQuery.Position.of(all.get(6)), 3)), "nothing lies beyond the oldest hit");
  }

  @Test
  void editedMessagesAreFoundByTheirCurrentTextOnly() {
    StoredMessage m = say(GENERAL, "alice", "see you at the banquet");
    store.change(GENERAL, m.seq(), new MessageChange.Edit("alice", "see you at the picnic",
        List.of(), now()));

    assertEquals(List.of(), search(List.of(GENERAL), "banquet"));
    List<StoredMessage> found = search(List.of(GENERAL), "picnic");
    assertEquals(List.of("see you at the picnic"), texts(found));
    assertEquals(store.message(GENERAL, m.seq()).orElseThrow(), found.get(0),
        "a hit is the message as it now is");
  }

  @Test
  void deletedMessagesAreNeverFound() {
    StoredMessage gone = say(GENERAL, "alice", "the password is swordfish");
    say(GENERAL, "bob", "swordfish are fast");
    store.change(GENERAL, gone.seq(), new MessageChange.Delete("alice", now()));

    assertEquals(List.of("swordfish are fast"), texts(search(List.of(GENERAL), "swordfish")));
    assertEquals(List.of(), search(List.of(GENERAL), "password"));
  }

  @Test
  void aDeletedConversationIsNotFoundAndANewOneOfTheSameNameStartsClean() {
    say(GENERAL, "alice", "ephemeral words");
    store.deleteConversation(GENERAL);
    assertEquals(List.of(), search(List.of(GENERAL), "ephemeral"));

    say(GENERAL, "bob", "ephemeral again");
    assertEquals(List.of("ephemeral again"), texts(search(List.of(GENERAL), "ephemeral")));
  }

  @Test
  void theIndexSurvivesARestart() throws Exception {
    say(GENERAL, "alice", "durable words");
    StoredMessage edited = say(GENERAL, "bob", "first draft");
    store.change(GENERAL, edited.seq(), new MessageChange.Edit("bob", "final wording",
        List.of(), now()));
    store = reopen();

    assertEquals(List.of("final wording", "durable words"),
        texts(search(List.of(GENERAL), "w")));
    assertEquals(List.of(), search(List.of(GENERAL), "draft"));
  }
}
