package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Table is one table of a backend's database, dumped by the backend's own
// test for Erasure.CheckTables: every row, every column as text.
type Table struct {
	Name    string
	Columns []string
	Rows    [][]string // in Columns order; NULL is ""
	// CompanyRefs are the columns holding company ids: the companies key,
	// every foreign key to it, and any column named company_id.
	CompanyRefs []string
	// PersonRefs are the columns holding people ids: the people key and
	// every foreign key to it.
	PersonRefs []string
}

// Schema reads a backend's database directly, for Dump.
type Schema interface {
	// TableNames are the schema's tables but schema_migrations, by name.
	TableNames(t *testing.T) []string
	// Rows reads every row of table, every value as text (NULL is ""),
	// and the table's column names.
	Rows(t *testing.T, table string) (columns []string, rows [][]string)
	// ForeignKeys are the columns of table that reference target.
	ForeignKeys(t *testing.T, table, target string) []string
}

// Dump reads every table of s but schema_migrations, for CheckTables.
func Dump(t *testing.T, s Schema) []Table {
	t.Helper()
	names := s.TableNames(t)
	if !slices.Contains(names, "owner_links") || !slices.Contains(names, "reminders") {
		t.Fatalf("tables %v: the schema is not there", names)
	}
	var tables []Table
	for _, name := range names {
		tb := Table{Name: name}
		tb.Columns, tb.Rows = s.Rows(t, name)
		tb.CompanyRefs = refs(t, s, name, "companies")
		tb.PersonRefs = refs(t, s, name, "people")
		if slices.Contains(tb.Columns, "company_id") && !slices.Contains(tb.CompanyRefs, "company_id") {
			tb.CompanyRefs = append(tb.CompanyRefs, "company_id")
		}
		tables = append(tables, tb)
	}
	return tables
}

// CheckErased dumps s before and after the erasure: every trace of the
// company is there before, none after.
func (e *Erasure) CheckErased(t *testing.T, s Schema) {
	t.Helper()
	e.CheckTables(t, Dump(t, s), false)
	e.Erase()
	e.CheckTables(t, Dump(t, s), true)
}

// refs lists the columns of table that hold ids of target: its key, when
// table is target, and every foreign key to it.
func refs(t *testing.T, s Schema, table, target string) []string {
	cols := s.ForeignKeys(t, table, target)
	if table == target {
		cols = append(cols, "id")
	}
	return cols
}

// CheckTables scans every column of every row of tables, a dump of every
// table in the schema, for traces of the erased company: the Gone strings
// anywhere, its id in a column holding company ids, its owner's id in a
// column holding people ids. Before the erasure (erased false) every trace
// must be found — the scan can see them; after it none may remain. The Kept
// strings of the other company must be found either way.
func (e *Erasure) CheckTables(t *testing.T, tables []Table, erased bool) {
	t.Helper()
	found := e.traces(tables)
	for _, trace := range e.traceNames() {
		where := found[trace]
		switch {
		case erased && len(where) > 0:
			t.Errorf("after the erasure %s remains in %s", trace, strings.Join(where, ", "))
		case !erased && len(where) == 0:
			t.Errorf("before the erasure %s is nowhere: the scan cannot see it", trace)
		}
	}
	for _, s := range e.Kept {
		if len(findText(tables, s)) == 0 {
			t.Errorf("%q of the other company is nowhere", s)
		}
	}
	if len(tables) == 0 {
		t.Errorf("no tables to scan")
	}
}

func (e *Erasure) companyTrace() string { return fmt.Sprintf("company id %d", e.CompanyID) }
func (e *Erasure) ownerTrace() string   { return fmt.Sprintf("owner id %d", e.OwnerID) }

func (e *Erasure) traceNames() []string {
	names := []string{e.companyTrace(), e.ownerTrace()}
	for _, s := range e.Gone {
		names = append(names, strconv.Quote(s))
	}
	return names
}

// traces maps each trace to where it was found, as table.column.
func (e *Erasure) traces(tables []Table) map[string][]string {
	found := map[string][]string{
		e.companyTrace(): findID(tables, func(tb Table) []string { return tb.CompanyRefs }, e.CompanyID),
		e.ownerTrace():   findID(tables, func(tb Table) []string { return tb.PersonRefs }, e.OwnerID),
	}
	for _, s := range e.Gone {
		found[strconv.Quote(s)] = findText(tables, s)
	}
	return found
}

// findText lists the cells of tables containing s.
func findText(tables []Table, s string) []string {
	var where []string
	for _, tb := range tables {
		for _, row := range tb.Rows {
			for i, v := range row {
				if strings.Contains(v, s) {
					where = append(where, tb.Name+"."+tb.Columns[i])
				}
			}
		}
	}
	return where
}

// findID lists the cells of the id columns chosen by cols holding id.
func findID(tables []Table, cols func(Table) []string, id int64) []string {
	want := strconv.FormatInt(id, 10)
	var where []string
	for _, tb := range tables {
		for i, col := range tb.Columns {
			if !slices.Contains(cols(tb), col) {
				continue
			}
			for _, row := range tb.Rows {
				if row[i] == want {
					where = append(where, tb.Name+"."+col)
				}
			}
		}
	}
	return where
}
