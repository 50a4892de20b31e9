package migrate

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// memTarget records what was applied, in order.
type memTarget struct{ applied []int }

func (m *memTarget) Applied(context.Context) ([]int, error) { return m.applied, nil }
func (m *memTarget) Apply(_ context.Context, mg Migration) error {
	m.applied = append(m.applied, mg.Version)
	return nil
}

func TestLoadOrdersByNumberAndRunSkipsApplied(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0010_more.sql": {Data: []byte("b")},
		"m/0002_init.sql": {Data: []byte("a")},
		"m/README":        {Data: []byte("not sql")},
	}
	ms, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 2 || ms[1].Version != 10 || ms[1].SQL != "b" {
		t.Fatalf("Load = %+v", ms)
	}
	tgt := &memTarget{applied: []int{2}}
	if err := Run(context.Background(), tgt, ms); err != nil {
		t.Fatal(err)
	}
	if len(tgt.applied) != 2 || tgt.applied[1] != 10 {
		t.Errorf("applied %v, want [2 10]", tgt.applied)
	}
}

func TestLoadRejectsBadNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no number":  {"m/init.sql": {Data: []byte("x")}},
		"duplicates": {"m/0001_a.sql": {Data: []byte("x")}, "m/0001_b.sql": {Data: []byte("y")}},
	} {
		if _, err := Load(fsys, "m"); err == nil || !strings.Contains(err.Error(), "migrate") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
