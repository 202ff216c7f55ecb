using DocPipeline.Registry;

namespace DocPipeline.Queue;

/// <summary>A job context whose writes can be fenced by the job's lease (see <see cref="WriteFence"/>).</summary>
internal interface IWriteFenceSource
{
    /// <summary>Gets the fence of the running attempt: its document and lease token.</summary>
    WriteFence Fence { get; }
}
