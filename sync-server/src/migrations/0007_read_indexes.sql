-- Indexes the district benchmark asked for: the reports' visit tallies and trend read only the
-- index (compound, time, household, maker), never the visits' texts; projections of one kind in a
-- place (the compounds' settings, a property company's issues) without reading the others.
DROP INDEX visit_index_compound_at;
CREATE INDEX visit_index_tally ON visit_index(compound_id, at, household_id, by_steward);
CREATE INDEX projections_kind ON projections(kind, compound_id, seq);
