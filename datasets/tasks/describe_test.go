package tasks

import "testing"

// TestDescribeComplete (issue 12, item 8): every parameter of every task
// is documented with its default and unit, and the documentation names no
// parameter a task does not have.
func TestDescribeComplete(t *testing.T) {
	for _, name := range Names() {
		info, err := Describe(name)
		if err != nil {
			t.Fatal(err)
		}
		task, _ := New(name, DefaultDt)
		fields := jsonFields(task)
		if len(info.Params) != len(fields) || len(taskDocs[name].params) != len(fields) {
			t.Errorf("%s: %d parameters described, %d documented, the task has %d", name, len(info.Params), len(taskDocs[name].params), len(fields))
		}
		for _, p := range info.Params {
			if p.Default == nil || p.Unit == "" || p.Doc == "" {
				t.Errorf("%s: parameter %+v incomplete", name, p)
			}
		}
		if info.Din != task.Din() || info.Dout != task.Dout() || info.Doc == "" {
			t.Errorf("%s: %+v", name, info)
		}
	}
	if _, err := Describe("parity"); err == nil {
		t.Error("unknown task described")
	}
}
