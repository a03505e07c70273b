package dev.driftwatch.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.registry.RegistryException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search filter scanner: the clauses it reads, the ones it refuses, and hostile lengths. */
class SearchFilterTest {
    @Test
    void clausesAreReadWithTheirFieldOperatorAndLiteral() {
        assertThat(SearchFilter.clause(" name = 'fraud' "))
                .contains(new SearchFilter.Clause("name", "=", "'fraud'"));
        assertThat(SearchFilter.clause("name ilike 'fr%'"))
                .contains(new SearchFilter.Clause("name", "ILIKE", "'fr%'"));
        assertThat(SearchFilter.clause("tags.`team name` != 'it''s'"))
                .contains(new SearchFilter.Clause("tags.`team name`", "!=", "'it''s'"));
        assertThat(SearchFilter.clause("version_number>=-3"))
                .contains(new SearchFilter.Clause("version_number", ">=", "-3"));
        for (String bad :
                List.of(
                        "name ~ 1",
                        "namex = 'a'",
                        "name = 'open",
                        "name = 'a' 'b'",
                        "tags. = 'a'",
                        "name =",
                        "= 'a'")) {
            assertThat(SearchFilter.clause(bad)).as(bad).isEmpty();
        }
        SearchFilter f =
                SearchFilter.forVersions("name = 'it''s' AND tags.team = 'risk'", List.of());
        assertThat(f.params()).containsEntry("v0", "it's").containsEntry("v1", "risk");
    }

    @Test
    void aLongLiteralIsReadWithoutRecursionAndAnOverlongFilterIsRefused() {
        // the attack: a quoted literal of thousands of characters once overflowed the regex stack
        String quotes = "''".repeat(2000);
        SearchFilter f = SearchFilter.forModels("name = '" + quotes + "'", List.of());
        assertThat((String) f.params().get("v0")).hasSize(2000);
        String big = "x".repeat(SearchFilter.MAX_LENGTH);
        assertThatThrownBy(() -> SearchFilter.forModels("name = '" + big + "'", List.of()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("filter: at most 4096 characters");
        assertThatThrownBy(
                        () ->
                                SearchFilter.forVersions(
                                        "version_number > 99999999999999999999", List.of()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("whole number up to 2147483647");
    }
}
