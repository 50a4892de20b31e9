package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// CPU returns the processor time the server has used so far: its
// postmaster's and every running backend's (user and system), plus that of
// the backends that have exited (the postmaster's children's times). Read
// from /proc, so Linux only; an external server is an error. Benchmarks
// take the difference over a run to price a turn in the database.
func (s *Server) CPU() (time.Duration, error) {
	if s.dir == "" {
		return 0, fmt.Errorf("pgtest: CPU of an external server is unknown")
	}
	pidFile, err := os.ReadFile(filepath.Join(s.data(), "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("pgtest: CPU: %w", err)
	}
	first, _, _ := strings.Cut(string(pidFile), "\n")
	postmaster, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("pgtest: CPU: postmaster.pid: %w", err)
	}
	self, err := procTimes(postmaster)
	if err != nil {
		return 0, err
	}
	total := self.user + self.system + self.childUser + self.childSystem
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if t, err := procTimes(pid); err == nil && t.parent == postmaster {
			total += t.user + t.system
		}
	}
	return time.Duration(total) * clockTick, nil
}

type procStat struct {
	parent                               int
	user, system, childUser, childSystem int64
}

// procTimes reads a process's parent and CPU times from /proc/<pid>/stat.
func procTimes(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name is in parentheses and may hold spaces: the fields
	// after it are state, ppid, …; utime is field 14 of the whole line.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("pgtest: /proc/%d/stat: no command", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("pgtest: /proc/%d/stat: %d fields", pid, len(f))
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
	return procStat{parent: int(n(1)), user: n(11), system: n(12), childUser: n(13), childSystem: n(14)}, nil
}
