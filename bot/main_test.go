package bot_test

import (
	"testing"

	"github.com/bansou/bansou/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
