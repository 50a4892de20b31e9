package pgtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindBinariesOffPath(t *testing.T) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	if len(dirs) == 0 {
		t.Skip("no /usr/lib/postgresql/*/bin here")
	}
	t.Setenv("PATH", t.TempDir()) // as on Debian, where initdb is not on PATH
	dir, err := findBinaries()
	if err != nil {
		t.Fatalf("findBinaries: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err != nil {
		t.Errorf("findBinaries = %s without pg_ctl: %v", dir, err)
	}
}

func TestVersionOrder(t *testing.T) {
	if versionOf("/usr/lib/postgresql/15/bin") <= versionOf("/usr/lib/postgresql/9.6/bin") {
		t.Errorf("15 does not sort after 9.6")
	}
}
