/**
 * The part of an SFTP session the pipeline uses (load/sftp-session.ts provides it); jobs and load depend
 * on this narrow shape, so a test or another transport can stand in.
 */
export interface RemoteStat {
  readonly size: number;
}

export interface RemoteStore {
  stat(remotePath: string): Promise<RemoteStat | undefined>;
  list(remoteDir: string): Promise<string[]>;
  download(remotePath: string, localPath: string): Promise<void>;
  putAtomically(args: { localPath: string; remoteDir: string; remoteName: string; expectedBytes: number }): Promise<{ remotePath: string; bytes: number }>;
  close(): Promise<void>;
}
