import { describe, expect, it } from "vitest";
import { ACCEPTED_EXTENSIONS, MAX_FILE_BYTES, uploadProblem } from "@/app/(dashboard)/dashboard/knowledge/upload-rules";
import { MAX_FILE_BYTES as SERVER_MAX_FILE_BYTES, validateUpload } from "@/lib/rag/upload";

const text = new TextEncoder().encode("# Title\n\nSome text.");

describe("the browser's upload rules", () => {
  it("match the server's size limit", () => {
    expect(MAX_FILE_BYTES).toBe(SERVER_MAX_FILE_BYTES);
  });

  it("accept only extensions the server accepts", () => {
    for (const extension of ACCEPTED_EXTENSIONS.filter((e) => e !== "pdf")) {
      expect(() => validateUpload({ fileName: `doc.${extension}`, mimeType: null, data: text }), extension).not.toThrow();
      expect(uploadProblem({ name: `doc.${extension}`, size: text.length })).toBeNull();
    }
  });

  it("refuse with a reason what the server refuses", () => {
    for (const name of ["photo.png", "tool.exe", "archive.zip", "noextension"]) {
      expect(() => validateUpload({ fileName: name, mimeType: null, data: text }), name).toThrow();
      expect(uploadProblem({ name, size: text.length }), name).toMatch(/can't be added/);
    }
    expect(uploadProblem({ name: "big.pdf", size: MAX_FILE_BYTES + 1 })).toMatch(/limit is 20 MB/);
    expect(uploadProblem({ name: "empty.md", size: 0 })).toMatch(/empty/);
  });
});
