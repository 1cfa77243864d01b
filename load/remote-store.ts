/**
 * The part of an SFTP session the pipeline uses (load/sftp-session.ts provides it); jobs and load depend
 * on this narrow shape, so a test or another transport can stand in.
 */
export interface RemoteStat {
  readonly size: number;
}

export interface PutArgs {
  readonly localPath: string;
  readonly remoteDir: string;
  readonly remoteName: string;
  readonly expectedBytes: number;
  /** The temporary name to upload to (recorded beforehand, so a crash leaves a name the next run knows). */
  readonly tempName?: string;
  /** Called once bytes are flowing to the temporary file. */
  readonly onTransfer?: () => void | Promise<void>;
  /** Called after the temporary file is complete and checked, just before the rename. */
  readonly beforeRename?: () => Promise<void>;
}

export interface RemoteStore {
  stat(remotePath: string): Promise<RemoteStat | undefined>;
  list(remoteDir: string): Promise<string[]>;
  download(remotePath: string, localPath: string): Promise<void>;
  /** The sha256 (hex) of a remote file's content, read back over the connection. */
  sha256(remotePath: string): Promise<string>;
  /** Renames a file that is already complete on the server (the last step of an interrupted upload). */
  renameInto(fromPath: string, toPath: string, expectedBytes: number): Promise<void>;
  putAtomically(args: PutArgs): Promise<{ remotePath: string; bytes: number }>;
  close(): Promise<void>;
}
