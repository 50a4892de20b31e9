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
